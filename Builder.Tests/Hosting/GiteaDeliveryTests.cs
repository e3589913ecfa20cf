using Builder.Tests.Hosting.Fakes;

namespace Builder.Tests.Hosting;

/// <summary>Delivery to a Gitea or Forgejo repository: the REST v1 client against the fake Gitea.</summary>
public sealed class GiteaDeliveryTests : DeliveryContract<FakeGitea>
{
    protected override string Token => "gitea-TestTokenThatMustNeverLeak0123456789";
    protected override string RepositoryUrl => "https://gitea.test/acme/widgets.git";
    protected override string StatusRepository => "acme/widgets";
    protected override string SuccessState => "success";

    protected override Task<FakeGitea> StartFakeAsync() => FakeGitea.StartAsync();

    protected override Dictionary<string, string?> ConfigurationFor(FakeGitea fake) => fake.ConfigurationFor("gitea.test");

    protected override IReadOnlyList<OpenedRequest> Opened(FakeGitea fake) =>
        [.. fake.PullRequests.Select(p => new OpenedRequest(p.Number, p.Head, p.Base, p.Title, p.Body))];

    protected override bool IsCreate(RecordedRequest request) => request.Method == "POST" && request.Path.EndsWith("/pulls", StringComparison.Ordinal);

    protected override bool IsUpdate(RecordedRequest request) => request.Method == "PATCH";
}
