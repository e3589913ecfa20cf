using Builder.Tests.Hosting.Fakes;

namespace Builder.Tests.Hosting;

/// <summary>The Bitbucket Data Center client against the fake REST API 1.0 and build-status API.</summary>
public sealed class BitbucketServerPullRequestHostTests : PullRequestHostContract<FakeBitbucketServer>
{
    protected override string Provider => "bitbucket-server";
    protected override string Token => "BBDC-test-http-access-token-0123456789ab";
    protected override string RepositoryUrl => "https://git.acme.test/scm/PLAT/widgets.git";
    protected override string HostName => "Bitbucket";
    protected override string Location => "git.acme.test/PLAT/widgets";
    protected override string StatusRepository => "";
    protected override string SuccessState => "SUCCESSFUL";
    protected override string FailureState => "FAILED";
    protected override string ConflictMessage => "Only one pull request may be open for a given source and target branch";

    protected override Task<FakeBitbucketServer> StartFakeAsync() => FakeBitbucketServer.StartAsync();
    protected override Dictionary<string, string?> ConfigurationFor(FakeBitbucketServer fake) => fake.ConfigurationFor("git.acme.test");

    protected override IReadOnlyList<OpenedRequest> Opened(FakeBitbucketServer fake) =>
        [.. fake.PullRequests.Select(p => new OpenedRequest(p.Number, p.Head, p.Base, p.Title, p.Body))];

    protected override void AddOpen(FakeBitbucketServer fake, string source, string target, string title) => fake.Add("PLAT/widgets", source, target, title);
    protected override void AddClosed(FakeBitbucketServer fake, string source, string target, string title) => fake.Add("PLAT/widgets", source, target, title, "DECLINED");
    protected override bool IsCreate(RecordedRequest request) => request.Method == "POST" && request.Path.EndsWith("/pull-requests", StringComparison.Ordinal);
    protected override bool IsUpdate(RecordedRequest request) => request.Method == "PUT";
}
