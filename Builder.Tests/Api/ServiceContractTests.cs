using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Builder.Tests.Api;

/// <summary>
/// Builder's own five service endpoints, as every service of the mesh it came from answers them: /health,
/// /capabilities, /state, /dependencies and the /message command envelope (build, status, cancel).
/// </summary>
public sealed class ServiceContractTests(EmbeddedBuilder builder) : IClassFixture<EmbeddedBuilder>
{
    readonly BuilderApi _api = builder.Admin();

    static async Task<JsonNode> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, text);
        return JsonNode.Parse(text)!;
    }

    [Fact]
    public async Task Health_capabilities_state_and_dependencies_answer_with_their_fields()
    {
        using var anonymous = builder.CreateClient();
        var health = await JsonAsync(await anonymous.GetAsync("/health"), HttpStatusCode.OK);
        health["status"]!.GetValue<string>().ShouldBe("Healthy");
        health["service"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        health["version"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        health["activeRuns"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(0);
        health["timestamp"].ShouldNotBeNull();

        var capabilities = await JsonAsync(await anonymous.GetAsync("/capabilities"), HttpStatusCode.OK);
        capabilities["service"]!.GetValue<string>().ShouldBe("builder");
        capabilities["features"]!.AsArray().Select(f => (string)f!).ShouldContain("rollback");
        capabilities["toolchains"]!.AsArray().Select(f => (string)f!).ShouldBe(["dotnet", "node", "python", "go", "make"]);
        capabilities["messageActions"]!.AsArray().Select(f => (string)f!).ShouldBe(["build", "status", "cancel"]);
        capabilities["limits"]!["maxConcurrentRunsPerWorker"]!.GetValue<int>().ShouldBeGreaterThan(0);

        (await anonymous.GetAsync("/state")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "the state names the caller's runs");
        var state = await JsonAsync(await _api.Http.GetAsync("/state"), HttpStatusCode.OK);
        state["requestsTotal"]!.GetValue<long>().ShouldBeGreaterThanOrEqualTo(3, "the requests above were counted");
        state["errorsLastHour"]!.GetValue<long>().ShouldBe(0);
        state["uptimeSeconds"]!.GetValue<double>().ShouldBeGreaterThanOrEqualTo(0);
        foreach (var field in new[] { "activeRuns", "queuedRuns", "completedToday", "failedToday" })
            state[field]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(0);

        var dependencies = await JsonAsync(await _api.Http.GetAsync("/dependencies"), HttpStatusCode.OK);
        var required = dependencies["required"]!.AsArray().ToDictionary(d => (string)d!["name"]!, d => (string)d!["status"]!);
        required["database"].ShouldBe("available");
        required["broker"].ShouldBe("available");
        dependencies["optional"]!.AsArray().Select(d => (string)d!["name"]!).ShouldBe(["cache", "model endpoint"]);
        dependencies["missing"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_message_builds_reports_and_cancels_a_run_and_a_bad_envelope_is_a_problem()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        var trace = Guid.NewGuid();

        var built = await JsonAsync(await _api.Http.PostAsJsonAsync("/message", new
        {
            traceId = trace, source = "orchestrator", target = "builder", messageType = "command",
            payload = new
            {
                action = "build",
                feature = new
                {
                    repositoryId, title = "Answer 42", description = "From a message", approvalMode = "final",
                    draft = new { files = new[] { new { path = "value.txt", mode = "replace", content = "42\n" } } },
                },
            },
            timestamp = DateTimeOffset.UtcNow,
        }), HttpStatusCode.OK);
        built["traceId"]!.GetValue<Guid>().ShouldBe(trace);
        built["action"]!.GetValue<string>().ShouldBe("build");
        built["status"]!.GetValue<int>().ShouldBe(202);
        var id = built["result"]!["id"]!.GetValue<Guid>();

        var status = await JsonAsync(await _api.Http.PostAsJsonAsync("/message", new
        {
            traceId = Guid.NewGuid(), messageType = "command", payload = new { action = "status", featureId = id },
        }), HttpStatusCode.OK);
        status["result"]!["id"]!.GetValue<Guid>().ShouldBe(id);

        // A run is cancelled once it has started (before, the answer is the API's own 409, passed through as it is).
        await _api.WaitAsync(id, f => (string?)f["status"] != "Requested", what: "the run to start");
        var cancelled = await JsonAsync(await _api.Http.PostAsJsonAsync("/message", new
        {
            traceId = Guid.NewGuid(), messageType = "command", payload = new { action = "cancel", featureId = id, reason = "not today" },
        }), HttpStatusCode.OK);
        cancelled["result"]!["action"]!.GetValue<string>().ShouldBe("cancellation requested");
        (await _api.WaitForEndAsync(id))["status"]!.GetValue<string>().ShouldBe("Cancelled");

        // Bad envelopes: each a 400 problem naming what was wrong; nothing is started.
        var before = (await _api.Http.GetFromJsonAsync<JsonNode>("/api/features"))!["total"]!.GetValue<int>();
        var noTrace = await JsonAsync(await _api.Http.PostAsJsonAsync("/message", new { messageType = "command", payload = new { action = "status" } }),
            HttpStatusCode.BadRequest);
        noTrace["errors"]!.AsObject().Select(e => e.Key).ShouldContain("traceId");
        var wrongKind = await JsonAsync(await _api.Http.PostAsJsonAsync("/message", new { traceId = Guid.NewGuid(), messageType = "event", payload = new { action = "deploy" } }),
            HttpStatusCode.BadRequest);
        wrongKind["errors"]!.AsObject().Select(e => e.Key).ShouldBe(["messageType", "payload.action"], ignoreOrder: true);
        var unknownField = await JsonAsync(await _api.Http.PostAsJsonAsync("/message", new { traceId = Guid.NewGuid(), messageType = "command", payload = new { action = "status" }, priority = 9 }),
            HttpStatusCode.BadRequest);
        unknownField["detail"]!.GetValue<string>().ShouldContain("priority");
        var badFeature = await JsonAsync(await _api.Http.PostAsJsonAsync("/message", new
        {
            traceId = Guid.NewGuid(), messageType = "command", payload = new { action = "build", feature = new { repositoryId, title = "x", colour = "red" } },
        }), HttpStatusCode.BadRequest);
        badFeature["detail"]!.GetValue<string>().ShouldContain("colour");
        (await _api.Http.GetFromJsonAsync<JsonNode>("/api/features"))!["total"]!.GetValue<int>().ShouldBe(before);
    }
}
