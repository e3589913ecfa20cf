using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Builder.Core.Events;
using Builder.Tests.Agents;
using Builder.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Builder.Tests.Mcp;

/// <summary>
/// GET /api/status and GET /api/insights, which get_system_status, query_telemetry_insights and
/// `builder status|insights` show: one worker slot, so a second run waits for it.
/// </summary>
public sealed class StatusAndInsightsTests : IDisposable
{
    readonly EmbeddedBuilder _builder = EmbeddedBuilder.With(new Dictionary<string, string?> { ["Builder:Worker:MaxConcurrentRuns"] = "1" });

    [Fact]
    public async Task A_run_whose_phase_waits_for_a_free_worker_counts_as_queued()
    {
        var api = await _builder.OtherTenantAsync();
        using var repository = TestRepository.CreateMakeProject(build: "@sleep 3 && echo build ok");
        var repositoryId = await api.RegisterRepositoryAsync(repository.RemotePath);

        var first = await api.SubmitAsync(repositoryId, "Slow one", [BuilderApi.File("value.txt", "42\n", "replace")]);
        await api.WaitAsync(first, f => f["phases"]!.AsArray().Any(p => (string?)p!["name"] == "build" && (string?)p["status"] == "running"), what: "its build");
        var second = await api.SubmitAsync(repositoryId, "Waiting one", [BuilderApi.File("value.txt", "42\n", "replace")]);

        var status = await Eventually.Until(async () => await AgentSteps.OkAsync(await api.Http.GetAsync("/api/status")),
            s => s["runs"]!["queued"]!.GetValue<int>() == 1, "one run queued", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));

        status["runs"]!["queued"]!.GetValue<int>().ShouldBe(1, status.ToJsonString());
        status["runs"]!["running"]!.GetValue<int>().ShouldBe(1, status.ToJsonString());
        status["queueDepth"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(1);
        status["runs"]!["total"]!.GetValue<int>().ShouldBe(2);

        (await api.WaitForEndAsync(first, TimeSpan.FromSeconds(120)))["status"]!.GetValue<string>().ShouldBe("Completed");
        (await api.WaitForEndAsync(second, TimeSpan.FromSeconds(120)))["status"]!.GetValue<string>().ShouldBe("Completed");
        status = await AgentSteps.OkAsync(await api.Http.GetAsync("/api/status"));
        status["status"]!.GetValue<string>().ShouldBe("Healthy");
        status["runs"]!["completed"]!.GetValue<int>().ShouldBe(2);
        status["queueDepth"]!.GetValue<int>().ShouldBe(0);
        var worker = status["workers"]!.AsArray().Single()!;
        worker["processId"]!.GetValue<int>().ShouldBe(Environment.ProcessId, "the embedded worker runs in this process");
    }

    [Fact]
    public async Task Insights_summarise_outcomes_phase_durations_failure_reasons_and_model_usage_of_the_tenant()
    {
        var api = await _builder.OtherTenantAsync();
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await api.RegisterRepositoryAsync(repository.RemotePath);
        var passed = await api.SubmitAsync(repositoryId, "Right", [BuilderApi.File("value.txt", "42\n", "replace")]);
        var failed = await api.SubmitAsync(repositoryId, "Wrong", [BuilderApi.File("value.txt", "41\n", "replace")]);
        (await api.WaitForEndAsync(passed))["status"]!.GetValue<string>().ShouldBe("Completed");
        (await api.WaitForEndAsync(failed))["status"]!.GetValue<string>().ShouldBe("Failed");

        // Builder's own agent records its model calls as llm.call events.
        var events = _builder.Services.GetRequiredService<FeatureEventLog>();
        var tenantId = await _builder.WithDbAsync(db => Task.FromResult(db.Features.Single(f => f.Id == passed).TenantId));
        foreach (var (model, input, output, cost) in new[] { ("small", 100, 20, 0.01m), ("small", 50, 10, 0.005m), ("large", 1000, 200, 0.3m) })
            await events.AppendAsync(passed, tenantId, "llm.call", $"llm:{Guid.NewGuid():N}", new { model, inputTokens = input, outputTokens = output, cost }, "generate");

        var insights = await AgentSteps.OkAsync(await api.Http.GetAsync("/api/insights?timeRangeHours=1"));
        insights["outcomes"]!.ToJsonString().ShouldBe("""{"submitted":2,"completed":1,"failed":1,"rolledBack":0,"cancelled":0,"rejected":0}""");
        insights["successRate"]!.GetValue<double>().ShouldBe(0.5);
        var phases = insights["phaseDurations"]!.AsArray().Select(p => p!).ToDictionary(p => p["phase"]!.GetValue<string>());
        phases.Keys.ToList().ShouldBe(["plan", "generate", "build", "verify", "deliver"], "in pipeline order; deploy and healthcheck were skipped");
        phases["build"]["count"]!.GetValue<int>().ShouldBe(2);
        phases["verify"]["failed"]!.GetValue<int>().ShouldBe(1);
        phases["deliver"]["count"]!.GetValue<int>().ShouldBe(1);
        foreach (var phase in phases.Values)
            phase["p50Ms"]!.GetValue<long>().ShouldBeLessThanOrEqualTo(phase["p95Ms"]!.GetValue<long>());
        var reason = insights["topFailureReasons"]!.AsArray().Single()!;
        reason["errorCode"]!.GetValue<string>().ShouldBe("tests_failed");
        reason["phase"]!.GetValue<string>().ShouldBe("verify");
        reason["count"]!.GetValue<int>().ShouldBe(1);
        reason["lastFeatureId"]!.GetValue<Guid>().ShouldBe(failed);
        var llm = insights["llm"]!;
        llm["calls"]!.GetValue<int>().ShouldBe(3);
        llm["totalTokens"]!.GetValue<long>().ShouldBe(1380);
        llm["cost"]!.GetValue<decimal>().ShouldBe(0.315m);
        llm["byModel"]!.AsArray().Select(m => (m!["model"]!.GetValue<string>(), m["calls"]!.GetValue<int>())).ShouldBe([("large", 1), ("small", 2)]);

        var admin = await AgentSteps.OkAsync(await _builder.Admin().Http.GetAsync("/api/insights?timeRangeHours=1"));
        admin["outcomes"]!["submitted"]!.GetValue<int>().ShouldBe(0, "another tenant's runs are not counted");
        (await api.Http.GetAsync("/api/insights?timeRangeHours=0")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var (drafter, _) = await _builder.CreateKeyAsync(_builder.Admin(), "drafter", "drafts:write");
        (await drafter.Http.GetAsync("/api/status")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    public void Dispose() => _builder.Dispose();
}
