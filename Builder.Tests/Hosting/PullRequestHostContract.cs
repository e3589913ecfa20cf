using Builder.Tests.Hosting.Fakes;
using Builder.Worker.PullRequests;

namespace Builder.Tests.Hosting;

/// <summary>
/// What every pull-request host client promises, against a fake of that host's REST API on a
/// loopback port: one request per branch pair, updated rather than duplicated, a race resolved by
/// looking again, 5xx retried and everything else final, messages that name the repository and
/// never the token, and Builder's status on a commit. One subclass per host.
/// </summary>
public abstract class PullRequestHostContract<TFake> : IAsyncLifetime where TFake : FakeRestServer
{
    protected const string Source = "builder/1a2b3c4d-widget-api";
    const string Sha = "3f2a9c1e5b7d4f60a8e2c1b3d5f7a9c0e2b4d6f8";

    protected TFake Fake { get; private set; } = null!;
    HostingServices _services = null!;

    protected abstract string Provider { get; }
    protected abstract string Token { get; }
    protected abstract string RepositoryUrl { get; }

    /// <summary>How the host's messages name it ("Gitea", "Azure DevOps").</summary>
    protected abstract string HostName { get; }

    /// <summary>host/path as messages name the repository.</summary>
    protected abstract string Location { get; }

    protected abstract string StatusRepository { get; }
    protected abstract string SuccessState { get; }
    protected abstract string FailureState { get; }

    /// <summary>What the host answers with a 409 when the branch pair already has an open request.</summary>
    protected abstract string ConflictMessage { get; }

    protected abstract Task<TFake> StartFakeAsync();
    protected abstract Dictionary<string, string?> ConfigurationFor(TFake fake);
    protected abstract IReadOnlyList<OpenedRequest> Opened(TFake fake);
    protected abstract void AddOpen(TFake fake, string source, string target, string title);
    protected abstract void AddClosed(TFake fake, string source, string target, string title);
    protected abstract bool IsCreate(RecordedRequest request);
    protected abstract bool IsUpdate(RecordedRequest request);

    protected virtual bool CarriesToken(RecordedRequest request) => request.Headers.Values.Any(value => value.Contains(Token, StringComparison.Ordinal));

    public async Task InitializeAsync()
    {
        Fake = await StartFakeAsync();
        _services = new HostingServices(ConfigurationFor(Fake));
    }

    public async Task DisposeAsync()
    {
        _services.Dispose();
        await Fake.DisposeAsync();
    }

    IPullRequestHost Host => _services.Resolver.Resolve(RepositoryUrl).ShouldNotBeNull();

    PullRequestSpec Spec(string title = "Add the widget API", string body = "The body") => new(RepositoryUrl, Token, Source, "main", title, body);

    Task<PullRequestInfo> OpenAsync(PullRequestSpec spec) => Host.OpenOrUpdateAsync(spec, CancellationToken.None);

    [Fact]
    public async Task The_repository_url_resolves_to_this_host()
    {
        Host.Provider.ShouldBe(Provider);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Opening_creates_exactly_one_request_with_the_token_title_and_body()
    {
        var info = await OpenAsync(Spec());

        info.Created.ShouldBeTrue();
        info.Provider.ShouldBe(Provider);
        var opened = Opened(Fake).ShouldHaveSingleItem();
        opened.ShouldBe(new OpenedRequest(info.Number, Source, "main", "Add the widget API", "The body"));
        Fake.Requests.Count(IsCreate).ShouldBe(1);
        Fake.Requests.ShouldAllBe(r => CarriesToken(r));
    }

    [Fact]
    public async Task Opening_again_for_the_same_branch_updates_the_same_request()
    {
        var first = await OpenAsync(Spec());

        var second = await OpenAsync(Spec(title: "Add the widget API (revised)", body: "New body"));

        second.ShouldBe(first with { Created = false });
        Fake.Requests.Count(IsCreate).ShouldBe(1);
        Fake.Requests.Count(IsUpdate).ShouldBe(1);
        Opened(Fake).ShouldHaveSingleItem().ShouldBe(new OpenedRequest(first.Number, Source, "main", "Add the widget API (revised)", "New body"));
    }

    [Fact]
    public async Task Neither_a_closed_request_nor_one_into_another_target_is_reused()
    {
        AddClosed(Fake, Source, "main", "Closed long ago");
        AddOpen(Fake, Source, "release", "Into release");

        var info = await OpenAsync(Spec());

        info.Created.ShouldBeTrue();
        Opened(Fake).Count.ShouldBe(3);
        Opened(Fake).ShouldContain(o => o.Title == "Into release");
        Fake.Requests.Count(IsUpdate).ShouldBe(0);
    }

    [Fact]
    public async Task A_conflict_on_create_makes_it_look_again()
    {
        // The host's answer when another worker's create won the race between our look-up and create.
        Fake.FailNext("POST", 409, ConflictMessage);

        var info = await OpenAsync(Spec());

        info.Created.ShouldBeTrue();
        Fake.Requests.Count(IsCreate).ShouldBe(2);
        Opened(Fake).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_502_then_success_is_retried()
    {
        Fake.FailNext("POST", 502);

        var info = await OpenAsync(Spec());

        info.Created.ShouldBeTrue();
        Opened(Fake).ShouldHaveSingleItem();
        _services.Logs.Lines.ShouldAllBe(line => !line.Contains(Token));
    }

    [Fact]
    public async Task A_rate_limit_is_waited_out_and_retried()
    {
        Fake.FailNext("POST", 429, "Rate limit for this resource has been exceeded");

        var info = await OpenAsync(Spec());

        info.Created.ShouldBeTrue();
        Fake.Requests.Count(IsCreate).ShouldBe(2);
        Opened(Fake).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_refused_token_says_so_without_the_token_and_is_not_retried()
    {
        Fake.RequiredToken = "the-right-one-0123456789";

        var error = await Should.ThrowAsync<PullRequestHostException>(() => OpenAsync(Spec()));

        error.Message.ShouldStartWith($"{HostName} refused the token: 401");
        error.ToString().ShouldNotContain(Token);
        error.StatusCode.ShouldBe(401);
        Fake.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_token_echoed_back_by_the_server_is_scrubbed_and_the_repository_named()
    {
        Fake.FailNext("GET", 403, $"token {Token} lacks the pull request permission");

        var error = await Should.ThrowAsync<PullRequestHostException>(() => OpenAsync(Spec()));

        error.Message.ShouldContain($"{HostName} denied the token access to {Location}");
        error.Message.ShouldContain("token *** lacks");
        error.ToString().ShouldNotContain(Token);
    }

    [Fact]
    public async Task A_missing_repository_is_named_and_not_retried()
    {
        Fake.FailNext("GET", 404, "Not found");

        var error = await Should.ThrowAsync<PullRequestHostException>(() => OpenAsync(Spec()));

        error.Message.ShouldStartWith($"{HostName} found no repository {Location}");
        Fake.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_status_goes_on_the_commit_under_builders_name_and_a_failing_host_is_retried()
    {
        Fake.FailNext("POST", 503);

        await Host.PostStatusAsync(new CommitStatusSpec(RepositoryUrl, Token, Sha, CommitState.Success, "Verified by Builder", "https://builder.example/features/7"),
            CancellationToken.None);
        await Host.PostStatusAsync(new CommitStatusSpec(RepositoryUrl, Token, Sha, CommitState.Failure, "Refused", "https://builder.example/features/7"),
            CancellationToken.None);

        Fake.Statuses.Select(s => (s.Repository, s.Sha, s.State, s.Context, s.Description, s.TargetUrl)).ShouldBe(
        [
            (StatusRepository, Sha, SuccessState, "builder", "Verified by Builder", "https://builder.example/features/7"),
            (StatusRepository, Sha, FailureState, "builder", "Refused", "https://builder.example/features/7"),
        ]);
        Fake.Requests.ShouldAllBe(r => CarriesToken(r));
    }
}
