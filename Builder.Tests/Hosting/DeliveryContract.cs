using System.Net;
using System.Text;
using Builder.Core.Contracts;
using Builder.Tests.Hosting.Fakes;
using Builder.Tests.Support;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Builder.Tests.Hosting;

/// <summary>A pull or merge request as a fake host keeps it, in words every host shares.</summary>
public sealed record OpenedRequest(long Number, string Source, string Target, string Title, string? Body);

/// <summary>
/// What delivery promises on every git host, through the whole pipeline: the branch is pushed
/// (through a git URL rewrite to a local bare repository), one request is opened on a local endpoint
/// that speaks the host's REST API whatever Deliver's redeliveries, a retried run updates it, Builder's
/// verdict lands on the delivered commit as a status, and the token shows up nowhere. One subclass
/// per host says how its fake names things.
/// </summary>
public abstract class DeliveryContract<TFake> : IAsyncLifetime where TFake : FakeRestServer
{
    protected TFake Fake { get; private set; } = null!;
    TestRepository _repository = null!;
    EmbeddedBuilder _builder = null!;

    /// <summary>A token with nothing in it a scrubber could mistake for something else.</summary>
    protected abstract string Token { get; }

    /// <summary>The repository's URL on the host, as a user registers it.</summary>
    protected abstract string RepositoryUrl { get; }

    /// <summary>How the fake names the repository in its statuses.</summary>
    protected abstract string StatusRepository { get; }

    /// <summary>The host's word for a successful status.</summary>
    protected abstract string SuccessState { get; }

    protected abstract Task<TFake> StartFakeAsync();

    /// <summary>Configuration sending the repository's host to the fake.</summary>
    protected abstract Dictionary<string, string?> ConfigurationFor(TFake fake);

    protected abstract IReadOnlyList<OpenedRequest> Opened(TFake fake);

    /// <summary>The request that creates a pull request (not a status).</summary>
    protected abstract bool IsCreate(RecordedRequest request);

    /// <summary>The request that updates an open pull request.</summary>
    protected abstract bool IsUpdate(RecordedRequest request);

    /// <summary>Whether the request authenticated with the token, in the host's scheme.</summary>
    protected virtual bool CarriesToken(RecordedRequest request) => request.Headers.Values.Any(value => value.Contains(Token, StringComparison.Ordinal));

    public async Task InitializeAsync()
    {
        Fake = await StartFakeAsync();
        Fake.RequiredToken = Token;
        _repository = TestRepository.CreateMakeProject();
        var settings = ConfigurationFor(Fake);
        settings["Builder:Git:UrlRewrites:0:Prefix"] = RepositoryUrl;
        settings["Builder:Git:UrlRewrites:0:ReplaceWith"] = _repository.RemotePath;
        settings["Builder:PublicUrl"] = "https://builder.example.com";
        _builder = EmbeddedBuilder.With(settings);
    }

    public async Task DisposeAsync()
    {
        await _builder.DisposeAsync();
        await Fake.DisposeAsync();
        _repository.Dispose();
    }

    int Creates() => Fake.Requests.Count(IsCreate);

    [Fact]
    public async Task A_feature_opens_exactly_one_pull_request_even_when_Deliver_is_redelivered_and_a_retry_updates_it()
    {
        var api = _builder.Admin();
        var repositoryId = await RegisterAsync(api);

        var id = await api.SubmitAsync(repositoryId, "Widgets answer 42", [BuilderApi.File("value.txt", "42\n", "replace")], testsRequired: false);
        var feature = await api.WaitForEndAsync(id);
        feature["status"]!.GetValue<string>().ShouldBe("Completed", feature.ToJsonString());

        var opened = Opened(Fake).ShouldHaveSingleItem();
        opened.Source.ShouldBe(feature["branch"]!.GetValue<string>());
        opened.Target.ShouldBe("main");
        opened.Title.ShouldBe("Widgets answer 42");
        opened.Body.ShouldNotBeNull().ShouldContain($"https://builder.example.com/features/{id}");
        Creates().ShouldBe(1);
        Fake.Requests.ShouldAllBe(r => CarriesToken(r));

        // Builder's verdict is on the delivered commit, linking to the run.
        var delivered = (await api.EventsAsync(id)).Single(e => (string?)e!["type"] == "commit.created")!["payload"]!["sha"]!.GetValue<string>();
        var status = Fake.Statuses.ShouldHaveSingleItem();
        status.ShouldBe(new FakeCommitStatus(StatusRepository, delivered, SuccessState, "builder", status.Description, $"https://builder.example.com/features/{id}"));
        status.Description.ShouldNotBeNull().ShouldStartWith("Verified by Builder");

        // A redelivered Deliver command finds the phase done and opens nothing.
        var state = await _builder.WithDbAsync(db => db.FeatureStates.AsNoTracking().SingleAsync(s => s.CorrelationId == id));
        await _builder.Services.GetRequiredService<IBus>().Publish(new DeliverChange(id, state.Attempt, state.BaseCommit!));
        await Consistently.True(() => Task.FromResult(Creates() == 1), "one pull request after the redelivery", TimeSpan.FromSeconds(1.5));

        // A second run of the same feature updates the same pull request.
        (await api.ActAsync(id, "retry")).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await api.WaitAsync(id, f => f["attempt"]!.GetValue<int>() == 2 && (string?)f["status"] == "Completed", what: "the retried run's completion");
        Opened(Fake).ShouldHaveSingleItem().Number.ShouldBe(opened.Number);
        Creates().ShouldBe(1);
        Fake.Requests.Count(IsUpdate).ShouldBe(1);
        _repository.RefUpdates(opened.Source).ShouldBe(1, "the same deterministic commit is not pushed again");

        var events = (await api.EventsAsync(id)).Select(e => (string)e!["type"]!).ToList();
        events.ShouldContain("pull_request.opened");
        events.ShouldContain("pull_request.updated");
        events.Count(e => e == "commit_status.posted").ShouldBe(2);
    }

    [Fact]
    public async Task The_token_is_nowhere_in_logs_events_artifacts_or_responses()
    {
        var api = _builder.Admin();
        var repositoryId = await RegisterAsync(api);
        var id = await api.SubmitAsync(repositoryId, "No leaks", [BuilderApi.File("value.txt", "42\n", "replace")], testsRequired: false);
        (await api.WaitForEndAsync(id))["status"]!.GetValue<string>().ShouldBe("Completed");
        Opened(Fake).Count.ShouldBe(1, "the token was used");

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
            name = $"widgets-{Guid.NewGuid():N}", url = RepositoryUrl, defaultBranch = "main", credentials = new { token = Token },
        }));
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        body.ShouldNotContain(Token);
        return System.Text.Json.Nodes.JsonNode.Parse(body)!["id"]!.GetValue<Guid>();
    }
}
