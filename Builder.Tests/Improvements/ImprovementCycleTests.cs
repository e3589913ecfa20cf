using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Builder.Tests.Agent;
using Builder.Tests.Agent.Scripted;
using Builder.Tests.Agents;
using Builder.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Builder.Tests.Improvements;

/// <summary>
/// The improvement cycle end to end, with Builder's agent served by the scripted model over its real
/// wire: a deployed service with a failing endpoint, its telemetry collected, a cycle that finds the
/// opportunity and starts a governed run, the run verified, deployed and monitored, and the outcome
/// recorded on the cycle.
/// </summary>
public sealed class ImprovementCycleTests(Xunit.Abstractions.ITestOutputHelper output)
{
    static readonly Dictionary<string, string?> Settings = new()
    {
        ["Builder:Telemetry:Interval"] = "00:00:00.250",
        ["Builder:Telemetry:ProbesPerEndpoint"] = "2",
        ["Builder:Telemetry:BreakDuration"] = "00:05:00",
        ["Builder:Improvements:TrackInterval"] = "00:00:00.250",
        ["Builder:Deploy:ReadinessRetryDelay"] = "00:00:00.300",
    };

    static string NewName() => $"orders-{Guid.NewGuid():N}"[..20];

    /// <summary>Registers the service's repository, deploys it from a draft run, and waits until its failing /orders shows in the stored telemetry.</summary>
    static async Task<Guid> DeployFailingServiceAsync(BuilderApi api, TestRepository repository, string service, string modelEndpoint)
    {
        var repositoryId = await api.RegisterAsync(repository, modelEndpoint);
        var first = await api.WaitForEndAsync(await api.SubmitAsync(repositoryId, "Deploy the orders service", [BuilderApi.File("NOTES.md", "Deployed by Builder.\n")]),
            TimeSpan.FromMinutes(3));
        first["status"]!.GetValue<string>().ShouldBe("Completed", first.ToJsonString());

        await Eventually.Until(() => TelemetryAsync(api, service),
            t => t["endpoints"]!.AsArray().Any(e => (string?)e!["endpoint"] == "/orders" && e["failures"]!.GetValue<int>() >= 6)
                 && t["sources"]!.AsArray().Any(s => (string?)s!["source"] == "metrics" && ((string?)s["error"])?.Contains("breaker is open") == true)
                 && t["samples"]!.AsArray().Count(s => (string?)s!["source"] == "logs" && s["signals"]!.AsArray().Any(x => (string?)x!["key"] == "TypeError")) >= 3,
            "the failing endpoint, the recurring TypeError and the open metrics breaker in the stored telemetry", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250));
        return repositoryId;
    }

    static async Task<JsonNode> TelemetryAsync(BuilderApi api, string service) =>
        JsonNode.Parse(await api.Http.GetStringAsync($"/api/services/{service}/telemetry?hours=1"))!;

    static async Task<JsonNode> StartCycleAsync(BuilderApi api, string service)
    {
        var response = await api.Http.PostAsJsonAsync("/api/improvements/cycles", new { analysisWindowHours = 1, maxImprovements = 1, services = new[] { service } });
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!;
    }

    static Task<JsonNode> CycleAsync(BuilderApi api, Guid id, Func<JsonNode, bool> until, string what) =>
        Eventually.Until(async () => JsonNode.Parse(await api.Http.GetStringAsync($"/api/improvements/cycles/{id}"))!, until, what,
            TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(250));

    [Fact]
    public async Task A_failing_endpoint_becomes_an_improvement_that_waits_for_approval_deploys_and_brings_the_error_rate_down()
    {
        using var builder = AgentBuilder.With(Settings);
        var api = builder.Admin();
        await using var model = await ScriptedModel.StartAsync();
        OrdersService.Script(model);
        var service = NewName();
        using var repository = OrdersService.Create(service);
        await DeployFailingServiceAsync(api, repository, service, model.OpenAiEndpoint);

        var cycle = await StartCycleAsync(api, service);

        // The opportunity, with its evidence; the recurring exception is found too, but the cycle starts one run.
        var opportunities = cycle["opportunities"]!.AsArray().Select(o => o!).ToList();
        var failing = opportunities.Single(o => (string?)o["kind"] == "failing-endpoint");
        failing["endpoint"]!.GetValue<string>().ShouldBe("/orders");
        failing["decision"]!.GetValue<string>().ShouldBe("started");
        failing["evidence"]!["errorRatePercent"]!.GetValue<double>().ShouldBe(100);
        failing["evidence"]!["statuses"]!["500"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(6);
        failing["evidence"]!["logExcerpts"]!.AsArray().Select(e => e!.GetValue<string>()).ShouldContain(e => e.Contains("TypeError: orders is not iterable"));
        failing["impact"]!.GetValue<double>().ShouldBe(100);
        var exception = opportunities.Single(o => (string?)o["kind"] == "recurring-exception");
        exception["decision"]!.GetValue<string>().ShouldBe("over-limit");
        cycle["state"]!.GetValue<string>().ShouldBe("Running");
        // The metrics source failed: its breaker opened, and the cycle says it went on without it.
        cycle["notes"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldContain(n => n.Contains("metrics source was skipped") && n.Contains("breaker is open"));

        // AutonomousImprovements is off by default: the run waits at the final gate.
        var featureId = failing["featureId"]!.GetValue<Guid>();
        var waiting = await api.WaitForStatusAsync(featureId, "AwaitingApproval", TimeSpan.FromMinutes(3));
        waiting["title"]!.GetValue<string>().ShouldBe("Fix failing GET /orders");
        (await api.Http.PostAsync($"/api/features/{featureId}/approve", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var run = await api.WaitForEndAsync(featureId, TimeSpan.FromMinutes(3));
        model.Problems.ShouldBeEmpty();
        run["status"]!.GetValue<string>().ShouldBe("Completed", await api.DescribeAsync(featureId));
        (await api.EventsOfAsync(featureId, "healthcheck.window_completed")).ShouldHaveSingleItem();

        var ended = await CycleAsync(api, cycle["id"]!.GetValue<Guid>(), c => (string?)c["state"] == "Completed", "the cycle to end");
        var outcome = ended["opportunities"]!.AsArray().Single(o => (string?)o!["kind"] == "failing-endpoint")!;
        outcome["outcome"]!.GetValue<string>().ShouldBe("deployed");
        outcome["runStatus"]!.GetValue<string>().ShouldBe("Completed");
        ended["durationSeconds"]!.GetValue<double>().ShouldBeGreaterThan(0);

        // The new version's /orders answers: its error rate in the stored telemetry is 0.
        var telemetry = await Eventually.Until(() => TelemetryAsync(api, service),
            t => t["endpoints"]!.AsArray().Any(e => e!["version"]!.GetValue<int>() == 2 && (string?)e["endpoint"] == "/orders" && e["requests"]!.GetValue<int>() >= 6),
            "the new version's /orders in the telemetry", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250));
        var endpoints = telemetry["endpoints"]!.AsArray().Where(e => (string?)e!["endpoint"] == "/orders").ToDictionary(e => e!["version"]!.GetValue<int>(), e => e!);
        endpoints[1]["errorRatePercent"]!.GetValue<double>().ShouldBe(100);
        endpoints[2]["errorRatePercent"]!.GetValue<double>().ShouldBe(0);
        output.WriteLine(telemetry["endpoints"]!.ToJsonString());

        // A second cycle finds nothing to do about /orders any more: the live version answers it.
        var again = await StartCycleAsync(api, service);
        again["opportunities"]!.AsArray().ShouldNotContain(o => (string?)o!["kind"] == "failing-endpoint");
    }

    [Fact]
    public async Task An_improvement_that_makes_the_service_slower_is_rolled_back_and_counted()
    {
        using var builder = AgentBuilder.With(Settings);
        var api = builder.Admin();
        var rolledBack = new ConcurrentQueue<long>();
        using var listener = Listen(builder.Services.GetRequiredService<IMeterFactory>(), "improvements_rolled_back", rolledBack);
        await using var model = await ScriptedModel.StartAsync();
        OrdersService.Script(model, slowHealth: true);
        var service = NewName();
        using var repository = OrdersService.Create(service);
        await DeployFailingServiceAsync(api, repository, service, model.OpenAiEndpoint);
        (await api.Http.PutAsJsonAsync("/api/flags/AutonomousImprovements", new { enabled = true })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var cycle = await StartCycleAsync(api, service);
        var featureId = cycle["opportunities"]!.AsArray().Single(o => (string?)o!["decision"] == "started")!["featureId"]!.GetValue<Guid>();

        // Autonomous: no gate; the new version answers /orders but its health path is 150 ms slower than version 1's.
        var run = await api.WaitForEndAsync(featureId, TimeSpan.FromMinutes(3));
        run["status"]!.GetValue<string>().ShouldBe("RolledBack", await api.DescribeAsync(featureId));
        var breach = (await api.EventsOfAsync(featureId, "healthcheck.breached")).ShouldHaveSingleItem();
        breach["payload"]!["breach"]!.GetValue<string>().ShouldContain("median latency");

        var ended = await CycleAsync(api, cycle["id"]!.GetValue<Guid>(), c => (string?)c["state"] == "Completed", "the cycle to end");
        ended["opportunities"]!.AsArray().Single(o => (string?)o!["decision"] == "started")!["outcome"]!.GetValue<string>().ShouldBe("rolled-back");
        rolledBack.Sum().ShouldBe(1);
    }

    /// <summary>Counts one instrument of this Builder's meter (the factory tells its meters from other hosts' in the process).</summary>
    static MeterListener Listen(IMeterFactory factory, string instrument, ConcurrentQueue<long> values)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Scope == factory && i.Name == instrument)
                    l.EnableMeasurementEvents(i);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => values.Enqueue(value));
        listener.Start();
        return listener;
    }
}
