using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Builder.Tests.Agent;
using Builder.Tests.Agent.Scripted;
using Builder.Tests.Hosting;
using Builder.Tests.Hosting.Fakes;
using Builder.Tests.Support;

namespace Builder.Tests.Improvements;

/// <summary>
/// Components generated on a git host: the repository is created through the host's API (a local
/// endpoint speaking it) with the caller's token, seeded with a real push (a git URL rewrite sends
/// https://HOST/ to bare repositories the fake creates), registered with the token kept encrypted,
/// and its run delivers a pull request there and deploys the service. Refusals say what was wrong
/// and leave nothing registered; a creation whose answer was lost is found again, not made twice.
/// One subclass per host.
/// </summary>
public abstract class ComponentHostingContract<TFake> : IAsyncLifetime where TFake : FakeRestServer
{
    readonly string _gitRoot = Directory.CreateTempSubdirectory("builder-hosted-components-").FullName;
    ScriptedModel _model = null!;
    AgentBuilder _builder = null!;

    protected TFake Fake { get; private set; } = null!;

    /// <summary>The made-up host the fake stands for ("github.test").</summary>
    protected abstract string Host { get; }

    /// <summary>An organization or group the fake lets the token create repositories in.</summary>
    protected abstract string Owner { get; }

    protected abstract string Token { get; }

    protected abstract Task<TFake> StartFakeAsync();

    protected abstract Dictionary<string, string?> ConfigurationFor(TFake fake);

    protected abstract IReadOnlyList<OpenedRequest> Opened(TFake fake);

    /// <summary>The request that creates a repository.</summary>
    protected abstract bool IsCreate(RecordedRequest request);

    /// <summary>The host's refusal of an owner it does not know, as Builder words it.</summary>
    protected abstract string UnknownOwnerRefusal(string owner);

    public async Task InitializeAsync()
    {
        _model = await ScriptedModel.StartAsync();
        Fake = await StartFakeAsync();
        Fake.RequiredToken = Token;
        Fake.GitHost = Host;
        Fake.GitRoot = _gitRoot;
        var settings = ConfigurationFor(Fake);
        settings["Builder:Git:UrlRewrites:0:Prefix"] = $"https://{Host}/";
        settings["Builder:Git:UrlRewrites:0:ReplaceWith"] = _gitRoot + "/";
        settings["Builder:Hosting:RetryDelay"] = "00:00:00.050";
        settings["Builder:Llm:Endpoint"] = _model.OpenAiEndpoint;
        settings["Builder:Deploy:ReadinessRetryDelay"] = "00:00:00.300";
        _builder = AgentBuilder.With(settings);
        var api = _builder.Admin();
        (await api.Http.PutAsJsonAsync("/api/flags/AutonomousImprovements", new { enabled = true })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    public async Task DisposeAsync()
    {
        await _builder.DisposeAsync();
        await Fake.DisposeAsync();
        await _model.DisposeAsync();
        Directory.Delete(_gitRoot, recursive: true);
    }

    static string NewName() => $"greeter-{Guid.NewGuid():N}"[..16];

    object Hosting(string? owner = null, string? token = null, string? visibility = null, string? host = null) =>
        new { host = host ?? Host, owner = owner ?? Owner, token = token ?? Token, visibility };

    [Fact]
    public async Task A_component_is_created_on_the_host_seeded_and_its_run_opens_a_pull_request_there_and_deploys_it()
    {
        GreeterComponent.Script(_model);
        var api = _builder.Admin();
        var name = NewName();

        using var response = await api.Http.PostAsJsonAsync("/api/components", new
        {
            name, description = "Greets whoever asks", capabilities = new[] { "GET /greeting answers {\"message\": \"hello\"}" },
            hosting = Hosting(visibility: "private"),
        });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        text.ShouldNotContain(Token);
        var created = JsonNode.Parse(text)!;
        created["repositoryUrl"]!.GetValue<string>().ShouldBe($"https://{Host}/{Owner}/{name}.git");
        created["repositoryWebUrl"]!.GetValue<string>().ShouldBe($"https://{Host}/{Owner}/{name}");

        // Created once, private, with the token; seeded with the template's commit on main.
        var repository = Fake.Repositories.ShouldHaveSingleItem();
        repository.Path.ShouldBe($"{Owner}/{name}");
        repository.Visibility.ShouldBe("private");
        repository.Description.ShouldBe("Greets whoever asks");
        Fake.Requests.Count(IsCreate).ShouldBe(1);
        Fake.Requests.ShouldAllBe(r => r.Headers.Values.Any(v => v.Contains(Token)));
        var bare = Path.Combine(_gitRoot, $"{Owner}/{name}.git");
        GitOutput(bare, "log", "--format=%s", "main").Trim().ShouldBe("Seed the service from Builder's node template");
        GitOutput(bare, "ls-tree", "--name-only", "main").ShouldContain("builder.yaml");

        // Registered under its URL on the host, its token kept (never shown).
        var registered = JsonNode.Parse(await api.Http.GetStringAsync($"/api/repositories/{created["repositoryId"]}"))!;
        registered["url"]!.GetValue<string>().ShouldBe($"https://{Host}/{Owner}/{name}.git");
        registered["hasCredentials"]!.GetValue<bool>().ShouldBeTrue();
        registered.ToJsonString().ShouldNotContain(Token);

        // The run fetched from there, delivered a pull request there, and deployed the service.
        var featureId = created["featureId"]!.GetValue<Guid>();
        var run = await api.WaitForEndAsync(featureId, TimeSpan.FromMinutes(4));
        run["status"]!.GetValue<string>().ShouldBe("Completed", run.ToJsonString());
        _model.Problems.ShouldBeEmpty();
        var opened = Opened(Fake).ShouldHaveSingleItem();
        opened.Source.ShouldBe(run["branch"]!.GetValue<string>());
        opened.Target.ShouldBe("main");
        GitOutput(bare, "ls-tree", "--name-only", "-r", opened.Source).ShouldContain("src/greeting.js");

        var service = JsonNode.Parse(await api.Http.GetStringAsync($"/api/services/{name}"))!;
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var stable = new Uri(service["stableUrl"]!.GetValue<string>());
        JsonNode.Parse(await client.GetStringAsync(new Uri(stable, "greeting")))!["message"]!.GetValue<string>().ShouldBe("hello");
        (await client.GetAsync(new Uri(stable, "health"))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Refusals_say_what_was_wrong_in_Builders_words_and_register_nothing()
    {
        var api = _builder.Admin();
        var name = NewName();

        async Task<(HttpStatusCode Status, string Body)> GenerateAsync(object hosting)
        {
            using var response = await api.Http.PostAsJsonAsync("/api/components", new { name, description = "Greets", hosting });
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        // Input Builder can judge itself: 400 naming the field, before any request reaches the host.
        var invalid = await GenerateAsync(new { host = "https://example.org/x", owner = "a b", token = "", visibility = "secret" });
        invalid.Status.ShouldBe(HttpStatusCode.BadRequest, invalid.Body);
        invalid.Body.ShouldContain("hosting.host 'https://example.org/x' must be a host name");
        invalid.Body.ShouldContain("hosting.owner 'a b' must be an organization, user or group path");
        invalid.Body.ShouldContain("hosting.token is required.");
        invalid.Body.ShouldContain("hosting.visibility 'secret' must be private, public or internal.");
        var unknown = await GenerateAsync(Hosting(host: "git.nowhere.test"));
        unknown.Status.ShouldBe(HttpStatusCode.BadRequest, unknown.Body);
        unknown.Body.ShouldContain("hosting.host 'git.nowhere.test' is not a git host Builder knows");
        var gitea = await GenerateAsync(Hosting(host: "codeberg.org"));
        gitea.Status.ShouldBe(HttpStatusCode.BadRequest, gitea.Body);
        gitea.Body.ShouldContain("hosting.host 'codeberg.org' is a gitea host; Builder creates repositories on github and gitlab only.");
        Fake.Requests.ShouldBeEmpty();

        // What only the host can judge: 422 with the host's reason, the token never repeated.
        var badToken = await GenerateAsync(Hosting(token: "not-the-token-0123456789"));
        badToken.Status.ShouldBe(HttpStatusCode.UnprocessableEntity, badToken.Body);
        badToken.Body.ShouldContain("refused the token");
        badToken.Body.ShouldNotContain("not-the-token-0123456789");
        var noOwner = await GenerateAsync(Hosting(owner: "nobody-here"));
        noOwner.Status.ShouldBe(HttpStatusCode.UnprocessableEntity, noOwner.Body);
        noOwner.Body.ShouldContain(UnknownOwnerRefusal("nobody-here"));

        // A name the host already has: 409 naming it.
        Fake.AddRepository($"{Owner}/{name}");
        var taken = await GenerateAsync(Hosting());
        taken.Status.ShouldBe(HttpStatusCode.Conflict, taken.Body);
        taken.Body.ShouldContain($"already has a {(this is ComponentsOnGitHubTests ? "repository" : "project")} {Host}/{Owner}/{name}; choose another name.");

        // A host that keeps failing: 502 after Builder's retries.
        Fake.FailNext("POST", 503, times: 10);
        var failing = await GenerateAsync(Hosting(owner: null));
        failing.Status.ShouldBe(HttpStatusCode.BadGateway, failing.Body);
        failing.Body.ShouldContain("gave up after 4 attempts");

        var repositories = await api.Http.GetStringAsync("/api/repositories");
        repositories.ShouldNotContain(name);
        (await api.Http.GetStringAsync("/api/features")).ShouldNotContain(name);
    }

    [Fact]
    public async Task A_creation_whose_answer_was_lost_is_found_by_the_retry_and_not_made_twice()
    {
        GreeterComponent.Script(_model);
        var api = _builder.Admin();
        var name = NewName();
        Fake.FailAfterCreatingNext();

        using var response = await api.Http.PostAsJsonAsync("/api/components", new { name, description = "Greets", hosting = Hosting() });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);

        Fake.Requests.Count(IsCreate).ShouldBe(2, "the lost answer was retried");
        Fake.Repositories.ShouldHaveSingleItem().Path.ShouldBe($"{Owner}/{name}");
        GitOutput(Path.Combine(_gitRoot, $"{Owner}/{name}.git"), "log", "--format=%s", "main").Trim()
            .ShouldBe("Seed the service from Builder's node template");
    }

    static string GitOutput(string repository, params string[] arguments) => TestRepository.Git(repository, arguments);
}

public sealed class ComponentsOnGitHubTests : ComponentHostingContract<FakeGitHub>
{
    protected override string Host => "github.test";
    protected override string Owner => "acme";
    protected override string Token => "ghp_ComponentTokenThatMustNeverLeak0123456";
    protected override Task<FakeGitHub> StartFakeAsync() => FakeGitHub.StartAsync();
    protected override Dictionary<string, string?> ConfigurationFor(FakeGitHub fake) => fake.ConfigurationFor(Host);

    protected override IReadOnlyList<OpenedRequest> Opened(FakeGitHub fake) =>
        [.. fake.PullRequests.Select(p => new OpenedRequest(p.Number, p.Head, p.Base, p.Title, p.Body))];

    protected override bool IsCreate(RecordedRequest request) => request.Method == "POST" && request.Path.EndsWith("/repos", StringComparison.Ordinal);

    protected override string UnknownOwnerRefusal(string owner) => $"GitHub has no organization '{owner}' the token can see, on {Host}: 404";
}

public sealed class ComponentsOnGitLabTests : ComponentHostingContract<FakeGitLab>
{
    protected override string Host => "gitlab.test";
    protected override string Owner => "platform/team";
    protected override string Token => "glpat-ComponentTokenThatMustNeverLeak01";
    protected override Task<FakeGitLab> StartFakeAsync() => FakeGitLab.StartAsync();
    protected override Dictionary<string, string?> ConfigurationFor(FakeGitLab fake) => fake.ConfigurationFor(Host);

    protected override IReadOnlyList<OpenedRequest> Opened(FakeGitLab fake) =>
        [.. fake.PullRequests.Select(m => new OpenedRequest(m.Iid, m.SourceBranch, m.TargetBranch, m.Title, m.Description))];

    protected override bool IsCreate(RecordedRequest request) => request.Method == "POST" && request.Path == "/api/v4/projects";

    protected override string UnknownOwnerRefusal(string owner) => $"GitLab has no group or user '{owner}' the token can see, on {Host}: 404";
}
