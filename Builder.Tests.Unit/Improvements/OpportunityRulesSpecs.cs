using Builder.Api.Improvements;
using Builder.Core.Domain;

namespace Builder.Tests.Improvements;

public sealed class OpportunityRulesSpecs
{
    static readonly ImprovementOptions Options = new();
    static readonly DeployedService Service = new() { Name = "orders", Target = "local", StableUrl = "http://127.0.0.1/services/orders/" };
    static readonly ServiceVersion Live = new() { Number = 2, CommitSha = "b", ReleaseFolder = "/r/2", DeployedBy = "key:admin" };
    static readonly ServiceVersion Previous = new() { Number = 1, CommitSha = "a", ReleaseFolder = "/r/1", DeployedBy = "key:admin" };

    static TelemetrySample Probe(string endpoint, int requests, int failures, double p50 = 2, string failedStatus = "500") => new()
    {
        Source = TelemetrySources.Probe, Endpoint = endpoint, Requests = requests, Failures = failures, P50Ms = p50, P95Ms = p50 * 2,
        Statuses = failures == requests ? new() { [failedStatus] = failures } : new() { ["200"] = requests - failures, [failedStatus] = failures },
    };

    static TelemetrySample Logs(params TelemetrySignal[] signals) => new() { Source = TelemetrySources.Logs, Signals = [.. signals] };

    static List<FoundOpportunity> Find(IReadOnlyList<TelemetrySample> live, IReadOnlyList<TelemetrySample>? previous = null) =>
        OpportunityRules.Find(new ServiceTelemetry(Service, Live, live, previous is null ? null : Previous, previous ?? []), Options);

    [Fact]
    public void An_endpoint_failing_above_the_threshold_is_an_opportunity_with_its_figures_and_the_services_own_words()
    {
        var found = Find([Probe("/orders", 10, 3), Probe("/orders", 10, 2), Probe("/health", 20, 0),
            Logs(new TelemetrySignal(TelemetrySignal.Exception, "TypeError", 4, "TypeError: orders is not iterable"))]);

        var failing = found.ShouldHaveSingleItem();
        failing.Kind.ShouldBe(OpportunityKinds.FailingEndpoint);
        failing.Endpoint.ShouldBe("/orders");
        failing.Key.ShouldBe("orders:failing-endpoint:/orders");
        failing.Impact.ShouldBe(25);
        failing.Summary.ShouldBe("GET /orders of orders failed 25 % of 20 requests (200 ×15, 500 ×5)");
        failing.Evidence["errorRatePercent"]!.GetValue<double>().ShouldBe(25);
        failing.Evidence["version"]!.GetValue<int>().ShouldBe(2);
        failing.Evidence["logExcerpts"]!.AsArray().Single()!.GetValue<string>().ShouldBe("TypeError: orders is not iterable");
    }

    [Fact]
    public void Too_few_requests_or_a_rate_below_the_threshold_is_no_opportunity()
    {
        Find([Probe("/orders", 4, 4)]).ShouldBeEmpty();
        Find([Probe("/orders", 100, 4)]).ShouldBeEmpty();
        Find([Probe("/orders", 100, 5)]).ShouldHaveSingleItem();
    }

    [Fact]
    public void A_median_slower_than_the_previous_versions_beyond_the_allowance_and_the_floor_is_a_regression()
    {
        var regression = Find([Probe("/orders", 10, 0, p50: 60)], [Probe("/orders", 10, 0, p50: 20)]).ShouldHaveSingleItem();
        regression.Kind.ShouldBe(OpportunityKinds.LatencyRegression);
        regression.Evidence["previousP50Ms"]!.GetValue<double>().ShouldBe(20);
        regression.Evidence["increasePercent"]!.GetValue<double>().ShouldBe(200);
        regression.Impact.ShouldBe(100);

        // 20 % slower but only 4 ms: under the floor. 5 ms vs 2 ms: 150 % but 3 ms.
        Find([Probe("/orders", 10, 0, p50: 24)], [Probe("/orders", 10, 0, p50: 20)]).ShouldBeEmpty();
        Find([Probe("/orders", 10, 0, p50: 5)], [Probe("/orders", 10, 0, p50: 2)]).ShouldBeEmpty();
    }

    [Fact]
    public void Restarts_make_a_crash_loop_and_an_exception_seen_often_enough_is_recurring()
    {
        var found = Find([
            Logs(new TelemetrySignal(TelemetrySignal.Restart, "restarts", 2), new TelemetrySignal(TelemetrySignal.Exception, "KeyError", 3, "KeyError: 'id'")),
            Logs(new TelemetrySignal(TelemetrySignal.Restart, "restarts", 1), new TelemetrySignal(TelemetrySignal.Exception, "KeyError", 3, "KeyError: 'sku'")),
        ]);

        found.Select(f => f.Kind).ShouldBe([OpportunityKinds.CrashLoop, OpportunityKinds.RecurringException]);
        found[0].Evidence["restarts"]!.GetValue<int>().ShouldBe(3);
        found[1].Key.ShouldBe("orders:recurring-exception:KeyError");
        found[1].Impact.ShouldBe(26);
        found[1].Evidence["logExcerpts"]!.AsArray().Single()!.GetValue<string>().ShouldBe("KeyError: 'id'");
    }

    [Fact]
    public void An_exception_the_service_sent_over_otlp_counts_with_the_ones_read_from_its_output()
    {
        var otlp = new TelemetrySample
        {
            Source = TelemetrySources.Otlp, Endpoint = "/v1/logs", Requests = 9,
            Signals = [new TelemetrySignal(TelemetrySignal.Exception, "TypeError", 5, "TypeError: orders is not iterable")],
        };

        Find([otlp]).ShouldHaveSingleItem().Key.ShouldBe("orders:recurring-exception:TypeError");
        var both = Find([otlp, Logs(new TelemetrySignal(TelemetrySignal.Exception, "TypeError", 2, "TypeError: x"))]).ShouldHaveSingleItem();
        both.Evidence["count"]!.GetValue<int>().ShouldBe(7);
        // Metric values are not output: a metric named like an exception is no exception.
        Find([new TelemetrySample { Source = TelemetrySources.Otlp, Signals = [new TelemetrySignal(TelemetrySignal.Metric, "TypeError", 50)] }]).ShouldBeEmpty();
    }

    [Fact]
    public void Opportunities_are_ordered_by_impact()
    {
        var found = Find([Probe("/a", 10, 1), Probe("/b", 10, 10), Logs(new TelemetrySignal(TelemetrySignal.Restart, "restarts", 5))]);
        found.Select(f => (f.Kind, f.Endpoint)).ShouldBe([
            (OpportunityKinds.FailingEndpoint, "/b"), (OpportunityKinds.CrashLoop, null), (OpportunityKinds.FailingEndpoint, "/a")]);
    }
}
