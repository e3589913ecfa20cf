using System.Net;
using System.Text;
using Builder.Core.Contracts;
using Builder.Core.Persistence;
using Builder.Tests.Hosting.Fakes;
using Builder.Tests.Support;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Builder.Tests.Hosting;

/// <summary>
/// The whole pipeline on a repository that lives on "GitHub": the branch is pushed (through a git URL
/// rewrite to a local bare repository) and the pull request is opened through Octokit against a local
/// endpoint that speaks GitHub's REST API.
/// </summary>
public sealed class PullRequestDeliveryTests : IAsyncLifetime
{
    const string Token = "ghp_TestTokenThatMustNeverLeak0123456789AB";
    const string GitHubUrl = "https://github.test/acme/widgets.git";

    FakeGitHub _github = null!;
    TestRepository _repository = null!;
    EmbeddedBuilder _builder = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHub.StartAsync();
        _github.RequiredToken = Token;
        _repository = TestRepository.CreateMakeProject();
        var settings = _github.ConfigurationFor("github.test");
        settings["Builder:Git:UrlRewrites:0:Prefix"] = GitHubUrl;
        settings["Builder:Git:UrlRewrites:0:ReplaceWith"] = _repository.RemotePath;
        settings["Builder:PublicUrl"] = "https://builder.example.com";
        _builder = EmbeddedBuilder.With(settings);
    }

    [Fact]
    public async Task A_feature_opens_exactly_one_pull_request_even_when_Deliver_is_redelivered_and_a_retry_updates_it()
    {
        var api = _builder.Admin();
        var repositoryId = await RegisterAsync(api);

        var id = await api.SubmitAsync(repositoryId, "Widgets answer 42", [BuilderApi.File("value.txt", "42\n", "replace")], testsRequired: false);
        var feature = await api.WaitForEndAsync(id);
        feature["status"]!.GetValue<string>().ShouldBe("Completed", feature.ToJsonString());

        var pull = _github.PullRequests.ShouldHaveSingleItem();
        pull.Head.ShouldBe(feature["branch"]!.GetValue<string>());
        pull.Base.ShouldBe("main");
        pull.Title.ShouldBe("Widgets answer 42");
        pull.Body.ShouldNotBeNull().ShouldContain($"https://builder.example.com/features/{id}");
        Posts().ShouldBe(1);
        _github.Requests.ShouldAllBe(r => (r.Header("Authorization") ?? "").Contains(Token));

        // Builder's verdict is on the delivered commit, linking to the run.
        var delivered = (await api.EventsAsync(id)).Single(e => (string?)e!["type"] == "commit.created")!["payload"]!["sha"]!.GetValue<string>();
        var status = _github.Statuses.ShouldHaveSingleItem();
        status.ShouldBe(new FakeCommitStatus("acme/widgets", delivered, "success", "builder", status.Description, $"https://builder.example.com/features/{id}"));
        status.Description.ShouldNotBeNull().ShouldStartWith("Verified by Builder");

        // A redelivered Deliver command finds the phase done and opens nothing.
        var state = await _builder.WithDbAsync(db => db.FeatureStates.AsNoTracking().SingleAsync(s => s.CorrelationId == id));
        await _builder.Services.GetRequiredService<IBus>().Publish(new DeliverChange(id, state.Attempt, state.BaseCommit!));
        await Consistently.True(() => Task.FromResult(Posts() == 1), "one pull request after the redelivery", TimeSpan.FromSeconds(1.5));

        // A second run of the same feature updates the same pull request.
        (await api.ActAsync(id, "retry")).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await api.WaitAsync(id, f => f["attempt"]!.GetValue<int>() == 2 && (string?)f["status"] == "Completed", what: "the retried run's completion");
        _github.PullRequests.ShouldHaveSingleItem().Number.ShouldBe(pull.Number);
        Posts().ShouldBe(1);
        _github.Requests.Count(r => r.Method == "PATCH").ShouldBe(1);
        _repository.RefUpdates(pull.Head).ShouldBe(1, "the same deterministic commit is not pushed again");

        var events = await api.EventsAsync(id);
        events.Select(e => (string)e!["type"]!).ShouldContain("pull_request.opened");
        events.Select(e => (string)e!["type"]!).ShouldContain("pull_request.updated");
        events.Count(e => (string?)e!["type"] == "commit_status.posted").ShouldBe(2);
    }

    [Fact]
    public async Task The_token_is_nowhere_in_logs_events_artifacts_or_responses()
    {
        var api = _builder.Admin();
        var repositoryId = await RegisterAsync(api);
        var id = await api.SubmitAsync(repositoryId, "No leaks", [BuilderApi.File("value.txt", "42\n", "replace")], testsRequired: false);
        (await api.WaitForEndAsync(id))["status"]!.GetValue<string>().ShouldBe("Completed");
        _github.PullRequests.Count.ShouldBe(1, "the token was used");

        var responses = new StringBuilder();
        foreach (var path in new[] { "/api/repositories", $"/api/repositories/{repositoryId}", $"/api/features/{id}", $"/api/features/{id}/events", $"/api/features/{id}/artifacts", "/api/features" })
            responses.Append(await api.Http.GetStringAsync(path));
        foreach (var name in new[] { "plan.json", "change.diff", "build.log", "test.log" })
            responses.Append(await api.Http.GetStringAsync($"/api/features/{id}/artifacts/{name}"));
        responses.ToString().ShouldNotContain(Token);

        var stored = await _builder.WithDbAsync(async db => new
        {
            Events = await db.FeatureEvents.Select(e => e.Payload).ToListAsync(),
            Artifacts = await db.Artifacts.Select(a => a.Content).ToListAsync(),
            Repository = await db.Repositories.Select(r => r.ProtectedToken).SingleAsync(),
        });
        stored.Events.ShouldAllBe(payload => !payload.Contains(Token));
        stored.Artifacts.ShouldAllBe(content => !Encoding.UTF8.GetString(content).Contains(Token));
        stored.Repository.ShouldNotBeNull().ShouldNotContain(Token, Case.Sensitive, "the token is stored encrypted");
        _builder.Logs.Lines.ShouldNotBeEmpty();
        _builder.Logs.Lines.ShouldAllBe(line => !line.Contains(Token));
    }

    async Task<Guid> RegisterAsync(BuilderApi api)
    {
        var response = await api.Http.PostAsync("/api/repositories", System.Net.Http.Json.JsonContent.Create(new
        {
            name = $"widgets-{Guid.NewGuid():N}", url = GitHubUrl, defaultBranch = "main", credentials = new { token = Token },
        }));
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        body.ShouldNotContain(Token);
        return System.Text.Json.Nodes.JsonNode.Parse(body)!["id"]!.GetValue<Guid>();
    }

    int Posts() => _github.Requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/pulls", StringComparison.Ordinal));

    public async Task DisposeAsync()
    {
        await _builder.DisposeAsync();
        await _github.DisposeAsync();
        _repository.Dispose();
    }
}
