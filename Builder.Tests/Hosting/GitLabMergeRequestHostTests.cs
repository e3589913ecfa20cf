using System.Text.Json.Nodes;
using Builder.Tests.Hosting.Fakes;
using Builder.Worker.PullRequests;

namespace Builder.Tests.Hosting;

/// <summary>The GitLab client against a fake GitLab REST API v4 on a loopback port.</summary>
public sealed class GitLabMergeRequestHostTests : IAsyncLifetime
{
    const string Token = "glpat-test-0123456789abcdef";
    const string Repository = "https://gitlab.com/platform/team/widgets.git";
    const string Merges = "/api/v4/projects/platform%2Fteam%2Fwidgets/merge_requests";

    FakeGitLab _gitlab = null!;
    HostingServices _services = null!;

    public async Task InitializeAsync()
    {
        _gitlab = await FakeGitLab.StartAsync();
        _services = new HostingServices(_gitlab.ConfigurationFor("gitlab.com"));
    }

    public async Task DisposeAsync()
    {
        _services.Dispose();
        await _gitlab.DisposeAsync();
    }

    static PullRequestSpec Spec(string title = "Add the widget API", string body = "The body", string repository = Repository) =>
        new(repository, Token, "builder/1a2b3c4d-widget-api", "main", title, body);

    Task<PullRequestInfo> OpenAsync(PullRequestSpec spec) => _services.GitLab.OpenOrUpdateAsync(spec, CancellationToken.None);

    [Fact]
    public async Task Opening_creates_exactly_one_merge_request_with_token_title_and_description()
    {
        var info = await OpenAsync(Spec());

        info.ShouldBe(new PullRequestInfo("gitlab", 1, $"{_gitlab.Url}platform/team/widgets/-/merge_requests/1", Created: true));
        var merge = _gitlab.PullRequests.ShouldHaveSingleItem();
        merge.ShouldBe(new FakeMergeRequest("platform/team/widgets", 1, "builder/1a2b3c4d-widget-api", "main", "Add the widget API", "The body",
            "opened", RemoveSourceBranch: true, info.Url));

        var lookup = _gitlab.Requests.First();
        lookup.Method.ShouldBe("GET");
        lookup.Path.ShouldBe(Merges);
        lookup.QueryValue("state").ShouldBe("opened");
        lookup.QueryValue("source_branch").ShouldBe("builder/1a2b3c4d-widget-api");
        lookup.QueryValue("target_branch").ShouldBe("main");

        var post = _gitlab.Requests.Where(r => r.Method == "POST").ShouldHaveSingleItem();
        post.Path.ShouldBe(Merges);
        post.Header("PRIVATE-TOKEN").ShouldBe(Token);
        post.Header("Authorization").ShouldBeNull();
        var body = JsonNode.Parse(post.Body)!;
        ((string?)body["source_branch"]).ShouldBe("builder/1a2b3c4d-widget-api");
        ((string?)body["target_branch"]).ShouldBe("main");
        ((string?)body["title"]).ShouldBe("Add the widget API");
        ((string?)body["description"]).ShouldBe("The body");
        ((bool?)body["remove_source_branch"]).ShouldBe(true);
        _gitlab.Requests.ShouldAllBe(r => r.Header("PRIVATE-TOKEN") == Token);
    }

    [Fact]
    public async Task Opening_again_for_the_same_branch_updates_the_same_merge_request()
    {
        var first = await OpenAsync(Spec());
        _gitlab.ClearRequests();

        var second = await OpenAsync(Spec(title: "Add the widget API (revised)", body: "New body"));

        second.ShouldBe(first with { Created = false });
        _gitlab.Requests.ShouldNotContain(r => r.Method == "POST");
        var put = _gitlab.Requests.Where(r => r.Method == "PUT").ShouldHaveSingleItem();
        put.Path.ShouldBe($"{Merges}/1");
        put.Header("PRIVATE-TOKEN").ShouldBe(Token);
        var body = JsonNode.Parse(put.Body)!;
        ((string?)body["title"]).ShouldBe("Add the widget API (revised)");
        ((string?)body["description"]).ShouldBe("New body");

        var merge = _gitlab.PullRequests.ShouldHaveSingleItem();
        merge.Title.ShouldBe("Add the widget API (revised)");
        merge.Description.ShouldBe("New body");
    }

    [Fact]
    public async Task A_merge_request_into_another_target_is_not_updated()
    {
        _gitlab.Add("platform/team/widgets", "builder/1a2b3c4d-widget-api", "release", "Into release");

        var info = await OpenAsync(Spec());

        info.Created.ShouldBeTrue();
        info.Number.ShouldBe(2);
        _gitlab.PullRequests.Single(m => m.Iid == 1).Title.ShouldBe("Into release");
    }

    [Fact]
    public async Task A_self_hosted_instance_is_reached_through_its_configured_address()
    {
        using var services = new HostingServices(_gitlab.ConfigurationFor("git.acme.test"));

        var host = services.Resolver.Resolve("https://git.acme.test/platform/widgets.git").ShouldNotBeNull();
        var info = await host.OpenOrUpdateAsync(Spec(repository: "https://git.acme.test/platform/widgets.git"), CancellationToken.None);

        info.Created.ShouldBeTrue();
        _gitlab.Requests.Last().Path.ShouldBe("/api/v4/projects/platform%2Fwidgets/merge_requests");
    }

    [Fact]
    public async Task A_refused_token_says_so_without_the_token_and_is_not_retried()
    {
        _gitlab.RequiredToken = "glpat-the-right-one";

        var error = await Should.ThrowAsync<PullRequestHostException>(() => OpenAsync(Spec()));

        error.Message.ShouldBe("GitLab refused the token: 401 Unauthorized");
        error.ToString().ShouldNotContain(Token);
        error.StatusCode.ShouldBe(401);
        _gitlab.Requests.Count.ShouldBe(1);
        _services.Logs.Lines.ShouldAllBe(line => !line.Contains(Token));
    }

    [Fact]
    public async Task A_token_echoed_back_by_the_server_is_scrubbed()
    {
        _gitlab.FailNext("GET", 403, $"403 Forbidden - token {Token} lacks the api scope");

        var error = await Should.ThrowAsync<PullRequestHostException>(() => OpenAsync(Spec()));

        error.Message.ShouldContain("GitLab denied the token access to gitlab.com/platform/team/widgets");
        error.Message.ShouldContain("token *** lacks");
        error.ToString().ShouldNotContain(Token);
    }

    [Fact]
    public async Task A_missing_project_is_named_and_not_retried()
    {
        _gitlab.FailNext("GET", 404, "404 Project Not Found");

        var error = await Should.ThrowAsync<PullRequestHostException>(() => OpenAsync(Spec()));

        error.Message.ShouldBe("GitLab found no project gitlab.com/platform/team/widgets, or the token cannot see it: 404 Project Not Found");
        _gitlab.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_502_then_201_is_retried_and_succeeds()
    {
        _gitlab.FailNext("POST", 502);

        var info = await OpenAsync(Spec());

        info.Created.ShouldBeTrue();
        _gitlab.Requests.Count(r => r.Method == "POST").ShouldBe(2);
        _gitlab.PullRequests.ShouldHaveSingleItem();
        _services.Logs.Lines.ShouldAllBe(line => !line.Contains(Token));
    }

    [Fact]
    public async Task A_conflict_on_create_makes_it_look_again()
    {
        // GitLab's answer when another worker's create won the race between our look-up and create.
        _gitlab.FailNext("POST", 409, "Another open merge request already exists for this source branch: !7");

        var info = await OpenAsync(Spec());

        info.Created.ShouldBeTrue();
        _gitlab.Requests.Select(r => r.Method).ShouldBe(["GET", "POST", "GET", "POST"]);
    }

    [Fact]
    public async Task A_stalled_request_times_out_and_is_retried()
    {
        using var services = new HostingServices(new Dictionary<string, string?>(_gitlab.ConfigurationFor("gitlab.com"))
        {
            ["Builder:Hosting:RequestTimeout"] = "00:00:00.300",
        });
        _gitlab.DelayNext("POST", TimeSpan.FromSeconds(10));

        var info = await services.GitLab.OpenOrUpdateAsync(Spec(), CancellationToken.None);

        info.Created.ShouldBeTrue();
        _gitlab.Requests.Count(r => r.Method == "POST").ShouldBe(2);
        _gitlab.PullRequests.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_redirect_is_not_followed_so_the_token_goes_nowhere_else()
    {
        await using var elsewhere = await FakeGitLab.StartAsync();
        _gitlab.RedirectNext("GET", $"{elsewhere.Url}api/v4/projects/platform%2Fteam%2Fwidgets/merge_requests");

        var error = await Should.ThrowAsync<PullRequestHostException>(() => OpenAsync(Spec()));

        error.Message.ShouldContain("redirected to");
        error.Message.ShouldContain("Builder:Hosting:GitLab:ApiUrl");
        elsewhere.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_answer_that_is_not_a_merge_request_list_says_so()
    {
        // What a misconfigured ApiUrl pointing at some other service looks like.
        _gitlab.FailNext("GET", 200, "hello");

        var error = await Should.ThrowAsync<PullRequestHostException>(() => OpenAsync(Spec()));

        error.Message.ShouldContain("not a merge request");
        error.IsTransient.ShouldBeFalse();
    }

    [Fact]
    public async Task A_token_read_from_a_file_with_its_newline_still_works()
    {
        await _services.GitLab.OpenOrUpdateAsync(Spec() with { Token = Token + "\n" }, CancellationToken.None);

        _gitlab.Requests.ShouldAllBe(r => r.Header("PRIVATE-TOKEN") == Token);
    }

    [Fact]
    public async Task A_token_no_header_can_carry_is_refused_without_quoting_it()
    {
        var error = await Should.ThrowAsync<PullRequestHostException>(
            () => _services.GitLab.OpenOrUpdateAsync(Spec() with { Token = "glpat-two\nlines-secret" }, CancellationToken.None));

        error.Message.ShouldNotContain("lines-secret");
        _gitlab.Requests.ShouldBeEmpty();
    }

    const string Sha = "3f2a9c1e5b7d4f60a8e2c1b3d5f7a9c0e2b4d6f8";

    [Fact]
    public async Task A_status_goes_on_the_delivered_commit_under_builders_name()
    {
        await _services.GitLab.PostStatusAsync(
            new CommitStatusSpec(Repository, Token, Sha, CommitState.Success, "Verified by Builder: 2 new test(s) fail before and pass after", "https://builder.example/features/7"),
            CancellationToken.None);

        _gitlab.Statuses.ShouldHaveSingleItem().ShouldBe(new FakeCommitStatus("platform/team/widgets", Sha, "success", "builder",
            "Verified by Builder: 2 new test(s) fail before and pass after", "https://builder.example/features/7"));
        var post = _gitlab.Requests.ShouldHaveSingleItem();
        (post.Method, post.Path).ShouldBe(("POST", "/api/v4/projects/platform%2Fteam%2Fwidgets/statuses/" + Sha));
        post.Header("PRIVATE-TOKEN").ShouldNotBeNull().ShouldContain(Token);
    }

    [Fact]
    public async Task A_refused_status_says_why_without_the_token_and_a_failing_host_is_retried()
    {
        _gitlab.FailNext("POST", 502, pathContains: "/statuses/");
        await _services.GitLab.PostStatusAsync(new CommitStatusSpec(Repository, Token, Sha, CommitState.Failure, "Refused", null), CancellationToken.None);
        _gitlab.Statuses.ShouldHaveSingleItem().State.ShouldBe("failed");

        _gitlab.RequiredToken = "the-right-one";
        var refused = await Should.ThrowAsync<PullRequestHostException>(() =>
            _services.GitLab.PostStatusAsync(new CommitStatusSpec(Repository, Token, Sha, CommitState.Success, "ok", null), CancellationToken.None));

        refused.Message.ShouldContain("refused the token");
        refused.Message.ShouldNotContain(Token);
    }

    [Fact]
    public async Task A_rate_limit_is_waited_out_and_retried()
    {
        _gitlab.FailNext("POST", 429, "Too Many Requests", pathContains: "/merge_requests");

        var info = await OpenAsync(Spec());

        info.Created.ShouldBeTrue();
        _gitlab.Requests.Count(r => r.Method == "POST").ShouldBe(2);
        _gitlab.PullRequests.ShouldHaveSingleItem();
    }
}
