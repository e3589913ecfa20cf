using Builder.Tests.Hosting.Fakes;

namespace Builder.Tests.Hosting;

/// <summary>The Gitea/Forgejo client against the fake Gitea REST API v1.</summary>
public sealed class GiteaPullRequestHostTests : PullRequestHostContract<FakeGitea>
{
    protected override string Provider => "gitea";
    protected override string Token => "gitea-test-token-0123456789abcdef";
    protected override string RepositoryUrl => "https://gitea.test/acme/widgets.git";
    protected override string HostName => "Gitea";
    protected override string Location => "gitea.test/acme/widgets";
    protected override string StatusRepository => "acme/widgets";
    protected override string SuccessState => "success";
    protected override string FailureState => "failure";
    protected override string ConflictMessage => "pull request already exists for these targets [id: 7, issue_id: 7, head_repo_id: 1, base_repo_id: 1]";

    protected override Task<FakeGitea> StartFakeAsync() => FakeGitea.StartAsync();
    protected override Dictionary<string, string?> ConfigurationFor(FakeGitea fake) => fake.ConfigurationFor("gitea.test");

    protected override IReadOnlyList<OpenedRequest> Opened(FakeGitea fake) =>
        [.. fake.PullRequests.Select(p => new OpenedRequest(p.Number, p.Head, p.Base, p.Title, p.Body))];

    protected override void AddOpen(FakeGitea fake, string source, string target, string title) => fake.Add("acme/widgets", source, target, title);
    protected override void AddClosed(FakeGitea fake, string source, string target, string title) => fake.Add("acme/widgets", source, target, title, "closed");
    protected override bool IsCreate(RecordedRequest request) => request.Method == "POST" && request.Path.EndsWith("/pulls", StringComparison.Ordinal);
    protected override bool IsUpdate(RecordedRequest request) => request.Method == "PATCH";
}
