using Builder.Tests.Hosting.Fakes;

namespace Builder.Tests.Hosting;

/// <summary>The Bitbucket Cloud client against the fake REST API 2.0.</summary>
public sealed class BitbucketPullRequestHostTests : PullRequestHostContract<FakeBitbucket>
{
    protected override string Provider => "bitbucket";
    protected override string Token => "ATCTT3xFfGN0-test-token-0123456789abcdef";
    protected override string RepositoryUrl => "https://bitbucket.org/acme/widgets.git";
    protected override string HostName => "Bitbucket";
    protected override string Location => "bitbucket.org/acme/widgets";
    protected override string StatusRepository => "acme/widgets";
    protected override string SuccessState => "SUCCESSFUL";
    protected override string FailureState => "FAILED";
    protected override string ConflictMessage => "There is already an open pull request from builder/1a2b3c4d-widget-api to main.";

    protected override Task<FakeBitbucket> StartFakeAsync() => FakeBitbucket.StartAsync();
    protected override Dictionary<string, string?> ConfigurationFor(FakeBitbucket fake) => fake.Configuration();

    protected override IReadOnlyList<OpenedRequest> Opened(FakeBitbucket fake) =>
        [.. fake.PullRequests.Select(p => new OpenedRequest(p.Number, p.Head, p.Base, p.Title, p.Body))];

    protected override void AddOpen(FakeBitbucket fake, string source, string target, string title) => fake.Add("acme/widgets", source, target, title);
    protected override void AddClosed(FakeBitbucket fake, string source, string target, string title) => fake.Add("acme/widgets", source, target, title, "DECLINED");
    protected override bool IsCreate(RecordedRequest request) => request.Method == "POST" && request.Path.EndsWith("/pullrequests", StringComparison.Ordinal);
    protected override bool IsUpdate(RecordedRequest request) => request.Method == "PUT";
}
