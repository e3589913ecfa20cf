using System.Text.Json.Nodes;
using Builder.Tests.Hosting.Fakes;
using Builder.Worker.PullRequests;

namespace Builder.Tests.Hosting;

/// <summary>Octokit, unchanged, against a fake GitHub on a loopback port.</summary>
public sealed class GitHubPullRequestHostTests : IAsyncLifetime
{
    const string Token = "ghp_test_0123456789abcdef";
    const string Repository = "https://github.test/acme/widgets.git";

    FakeGitHub _github = null!;
    HostingServices _services = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHub.StartAsync();
        _services = new HostingServices(_github.ConfigurationFor("github.test"));
    }

    public async Task DisposeAsync()
    {
        _services.Dispose();
        await _github.DisposeAsync();
    }

    static PullRequestSpec Spec(string title = "Add the widget API", string body = "The body", string token = Token) =>
        new(Repository, token, "builder/1a2b3c4d-widget-api", "main", title, body);

    Task<PullRequestInfo> OpenAsync(PullRequestSpec spec) => _services.GitHub.OpenOrUpdateAsync(spec, CancellationToken.None);

    [Fact]
    public void A_mapped_fake_host_resolves_to_github_at_the_configured_api()
    {
        var host = _services.Resolver.Resolve(Repository).ShouldNotBeNull();

        host.Provider.ShouldBe("github");
        _services.Resolver.Locate(Repository)!.ApiUrl.ShouldBe(new Uri(_github.Url));
        _services.Resolver.Resolve("/srv/repos/widgets").ShouldBeNull();
    }

    [Fact]
    public async Task Opening_creates_exactly_one_pull_request_with_token_title_and_body()
    {
        var info = await OpenAsync(Spec());

        info.ShouldBe(new PullRequestInfo("github", 1, $"{_github.Url}acme/widgets/pull/1", Created: true));
        var pull = _github.PullRequests.ShouldHaveSingleItem();
        pull.ShouldBe(new FakePullRequest("acme/widgets", 1, "builder/1a2b3c4d-widget-api", "main", "Add the widget API", "The body", "open", info.Url));

        var lookup = _github.Requests.First();
        lookup.Method.ShouldBe("GET");
        lookup.Path.ShouldBe("/repos/acme/widgets/pulls");
        lookup.QueryValue("head").ShouldBe("acme:builder/1a2b3c4d-widget-api");
        lookup.QueryValue("base").ShouldBe("main");
        lookup.QueryValue("state").ShouldBe("open");

        var post = _github.Requests.Where(r => r.Method == "POST").ShouldHaveSingleItem();
        post.Path.ShouldBe("/repos/acme/widgets/pulls");
        post.Header("Authorization").ShouldBe($"Token {Token}");
        var body = JsonNode.Parse(post.Body)!;
        ((string?)body["title"]).ShouldBe("Add the widget API");
        ((string?)body["body"]).ShouldBe("The body");
        ((string?)body["head"]).ShouldBe("builder/1a2b3c4d-widget-api");
        ((string?)body["base"]).ShouldBe("main");
        _github.Requests.ShouldAllBe(r => r.Header("Authorization") == $"Token {Token}");
    }

    [Fact]
    public async Task Opening_again_for_the_same_branch_updates_the_same_pull_request()
    {
        var first = await OpenAsync(Spec());
        _github.ClearRequests();

        var second = await OpenAsync(Spec(title: "Add the widget API (revised)", body: "New body"));

        second.ShouldBe(first with { Created = false });
        _github.Requests.ShouldNotContain(r => r.Method == "POST");
        var patch = _github.Requests.Where(r => r.Method == "PATCH").ShouldHaveSingleItem();
        patch.Path.ShouldBe("/repos/acme/widgets/pulls/1");
        patch.Header("Authorization").ShouldBe($"Token {Token}");
        var body = JsonNode.Parse(patch.Body)!;
        ((string?)body["title"]).ShouldBe("Add the widget API (revised)");
        ((string?)body["body"]).ShouldBe("New body");

        var pull = _github.PullRequests.ShouldHaveSingleItem();
        pull.Title.ShouldBe("Add the widget API (revised)");
        pull.Body.ShouldBe("New body");
    }

    [Fact]
    public async Task A_closed_pull_request_is_left_alone_and_a_new_one_opened()
    {
        var closed = _github.Add("acme/widgets", "builder/1a2b3c4d-widget-api", "main", "Old attempt");
        _github.Close("acme/widgets", closed.Number);

        var info = await OpenAsync(Spec());

        info.Created.ShouldBeTrue();
        info.Number.ShouldBe(2);
        _github.PullRequests.Single(p => p.Number == 1).Title.ShouldBe("Old attempt");
    }

    [Fact]
    public async Task A_refused_token_says_so_without_the_token_and_is_not_retried()
    {
        _github.RequiredToken = "ghp_the_right_one";

        var error = await Should.ThrowAsync<PullRequestHostException>(() => OpenAsync(Spec()));

        error.Message.ShouldStartWith("GitHub refused the token: 401 Bad credentials");
        error.Message.ShouldNotContain(Token);
        error.ToString().ShouldNotContain(Token);
        error.StatusCode.ShouldBe(401);
        error.IsTransient.ShouldBeFalse();
        _github.Requests.Count.ShouldBe(1);
        _services.Logs.Lines.ShouldAllBe(line => !line.Contains(Token));
    }

    [Fact]
    public async Task A_token_echoed_back_by_the_server_is_scrubbed()
    {
        _github.FailNext("POST", 403, $"token {Token} may not open pull requests here");

        var error = await Should.ThrowAsync<PullRequestHostException>(() => OpenAsync(Spec()));

        error.Message.ShouldContain("GitHub denied the token access to github.test/acme/widgets");
        error.Message.ShouldContain("token *** may not open");
        error.ToString().ShouldNotContain(Token);
        _services.Logs.Lines.ShouldAllBe(line => !line.Contains(Token));
    }

    [Fact]
    public async Task A_missing_repository_is_named_and_not_retried()
    {
        _github.FailNext("GET", 404);

        var error = await Should.ThrowAsync<PullRequestHostException>(() => OpenAsync(Spec()));

        error.Message.ShouldStartWith("GitHub found no repository github.test/acme/widgets, or the token cannot see it: 404");
        _github.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_refused_pull_request_reports_githubs_reason()
    {
        _github.FailNext("POST", 422, "No commits between main and builder/1a2b3c4d-widget-api");

        var error = await Should.ThrowAsync<PullRequestHostException>(() => OpenAsync(Spec()));

        error.Message.ShouldContain("GitHub rejected the pull request builder/1a2b3c4d-widget-api -> main");
        error.Message.ShouldContain("Validation Failed: No commits between main and builder/1a2b3c4d-widget-api");
        _github.Requests.Count(r => r.Method == "POST").ShouldBe(1);
    }

    [Fact]
    public async Task A_502_then_201_is_retried_and_succeeds()
    {
        _github.FailNext("POST", 502);

        var info = await OpenAsync(Spec());

        info.Created.ShouldBeTrue();
        _github.Requests.Count(r => r.Method == "POST").ShouldBe(2);
        _github.PullRequests.ShouldHaveSingleItem();
        _services.Logs.Lines.ShouldContain(line => line.Contains("attempt 1 of 3") && line.Contains("502"));
        _services.Logs.Lines.ShouldAllBe(line => !line.Contains(Token));
    }

    [Fact]
    public async Task A_host_that_keeps_failing_gives_up_after_the_configured_attempts()
    {
        _github.FailNext("GET", 503, times: 10);

        var error = await Should.ThrowAsync<PullRequestHostException>(() => OpenAsync(Spec()));

        error.IsTransient.ShouldBeTrue();
        error.StatusCode.ShouldBe(503);
        error.Message.ShouldContain("gave up after 3 attempts");
        _github.Requests.Count.ShouldBe(3);
    }

    [Fact]
    public async Task An_already_exists_answer_makes_it_look_again()
    {
        // GitHub's answer when another worker's create won the race between our look-up and create.
        _github.FailNext("POST", 422, "A pull request already exists for acme:builder/1a2b3c4d-widget-api.");

        var info = await OpenAsync(Spec());

        info.Created.ShouldBeTrue();
        _github.Requests.Select(r => r.Method).ShouldBe(["GET", "POST", "GET", "POST"]);
    }

    [Fact]
    public async Task A_stalled_request_times_out_and_is_retried()
    {
        using var services = new HostingServices(new Dictionary<string, string?>(_github.ConfigurationFor("github.test"))
        {
            ["Builder:Hosting:RequestTimeout"] = "00:00:00.300",
        });
        _github.DelayNext("GET", TimeSpan.FromSeconds(10));

        var info = await services.GitHub.OpenOrUpdateAsync(Spec(), CancellationToken.None);

        info.Created.ShouldBeTrue();
        _github.Requests.Count(r => r.Method == "GET").ShouldBe(2);
        services.Logs.Lines.ShouldContain(line => line.Contains("did not answer within"));
    }

    [Fact]
    public async Task Cancellation_stops_a_stalled_request()
    {
        _github.DelayNext("GET", TimeSpan.FromSeconds(30));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Should.ThrowAsync<OperationCanceledException>(() => _services.GitHub.OpenOrUpdateAsync(Spec(), cancel.Token));

        _github.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_repository_without_a_token_is_refused_before_any_request()
    {
        await Should.ThrowAsync<PullRequestHostException>(() => OpenAsync(Spec(token: "")));

        _github.Requests.ShouldBeEmpty();
    }

    const string Sha = "3f2a9c1e5b7d4f60a8e2c1b3d5f7a9c0e2b4d6f8";

    [Fact]
    public async Task A_status_goes_on_the_delivered_commit_under_builders_name()
    {
        await _services.GitHub.PostStatusAsync(
            new CommitStatusSpec(Repository, Token, Sha, CommitState.Success, "Verified by Builder: 2 new test(s) fail before and pass after", "https://builder.example/features/7"),
            CancellationToken.None);

        _github.Statuses.ShouldHaveSingleItem().ShouldBe(new FakeCommitStatus("acme/widgets", Sha, "success", "builder",
            "Verified by Builder: 2 new test(s) fail before and pass after", "https://builder.example/features/7"));
        var post = _github.Requests.ShouldHaveSingleItem();
        (post.Method, post.Path).ShouldBe(("POST", "/repos/acme/widgets/statuses/" + Sha));
        post.Header("Authorization").ShouldNotBeNull().ShouldContain(Token);
    }

    [Fact]
    public async Task A_refused_status_says_why_without_the_token_and_a_failing_host_is_retried()
    {
        _github.FailNext("POST", 502, pathContains: "/statuses/");
        await _services.GitHub.PostStatusAsync(new CommitStatusSpec(Repository, Token, Sha, CommitState.Failure, "Refused", null), CancellationToken.None);
        _github.Statuses.ShouldHaveSingleItem().State.ShouldBe("failure");

        _github.RequiredToken = "the-right-one";
        var refused = await Should.ThrowAsync<PullRequestHostException>(() =>
            _services.GitHub.PostStatusAsync(new CommitStatusSpec(Repository, Token, Sha, CommitState.Success, "ok", null), CancellationToken.None));

        refused.Message.ShouldContain("refused the token");
        refused.Message.ShouldNotContain(Token);
    }

    [Fact]
    public async Task A_rate_limit_is_waited_out_and_retried()
    {
        _github.FailNext("POST", 429, "Too Many Requests", pathContains: "/pulls");

        var info = await OpenAsync(Spec());

        info.Created.ShouldBeTrue();
        _github.Requests.Count(r => r.Method == "POST").ShouldBe(2);
        _github.PullRequests.ShouldHaveSingleItem();
    }
}
