using Builder.Tests.Hosting.Fakes;

namespace Builder.Tests.Hosting;

/// <summary>Delivery to a GitHub repository: Octokit against the fake GitHub.</summary>
public sealed class GitHubDeliveryTests : DeliveryContract<FakeGitHub>
{
    protected override string Token => "ghp_TestTokenThatMustNeverLeak0123456789AB";
    protected override string RepositoryUrl => "https://github.test/acme/widgets.git";
    protected override string StatusRepository => "acme/widgets";
    protected override string SuccessState => "success";

    protected override Task<FakeGitHub> StartFakeAsync() => FakeGitHub.StartAsync();

    protected override Dictionary<string, string?> ConfigurationFor(FakeGitHub fake) => fake.ConfigurationFor("github.test");

    protected override IReadOnlyList<OpenedRequest> Opened(FakeGitHub fake) =>
        [.. fake.PullRequests.Select(p => new OpenedRequest(p.Number, p.Head, p.Base, p.Title, p.Body))];

    protected override bool IsCreate(RecordedRequest request) => request.Method == "POST" && request.Path.EndsWith("/pulls", StringComparison.Ordinal);

    protected override bool IsUpdate(RecordedRequest request) => request.Method == "PATCH";
}
