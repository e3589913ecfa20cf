using Builder.Tests.Hosting.Fakes;

namespace Builder.Tests.Hosting;

/// <summary>Delivery to a GitLab repository in a nested group: the REST v4 client against the fake GitLab.</summary>
public sealed class GitLabDeliveryTests : DeliveryContract<FakeGitLab>
{
    protected override string Token => "glpat-TestTokenThatMustNeverLeak0123";
    protected override string RepositoryUrl => "https://gitlab.test/platform/team/widgets.git";
    protected override string StatusRepository => "platform/team/widgets";
    protected override string SuccessState => "success";

    protected override Task<FakeGitLab> StartFakeAsync() => FakeGitLab.StartAsync();

    protected override Dictionary<string, string?> ConfigurationFor(FakeGitLab fake) => fake.ConfigurationFor("gitlab.test");

    protected override IReadOnlyList<OpenedRequest> Opened(FakeGitLab fake) =>
        [.. fake.PullRequests.Select(m => new OpenedRequest(m.Iid, m.SourceBranch, m.TargetBranch, m.Title, m.Description))];

    protected override bool IsCreate(RecordedRequest request) => request.Method == "POST" && request.Path.EndsWith("/merge_requests", StringComparison.Ordinal);

    protected override bool IsUpdate(RecordedRequest request) => request.Method == "PUT";
}
