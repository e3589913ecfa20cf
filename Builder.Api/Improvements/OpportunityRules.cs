using System.Globalization;
using System.Text.Json.Nodes;
using Builder.Core.Domain;
using Builder.Worker.Telemetry;

namespace Builder.Api.Improvements;

/// <summary>A service's telemetry over the window: its live version's samples and those of the version it replaced.</summary>
public sealed record ServiceTelemetry(
    DeployedService Service, ServiceVersion Live, IReadOnlyList<TelemetrySample> LiveSamples, ServiceVersion? Previous,
    IReadOnlyList<TelemetrySample> PreviousSamples);

/// <summary>What a rule found: the kind, where, a key that stays the same across cycles, a one-line summary, the evidence and an impact from 0 to 100.</summary>
public sealed record FoundOpportunity(string Kind, string? Endpoint, string Key, string Summary, JsonObject Evidence, double Impact);

/// <summary>
/// The rules that turn telemetry into opportunities (the seed's "learning engine"): a failing endpoint,
/// a latency regression against the previous version, a crash loop, a recurring exception. Each keeps
/// its evidence: the figures it judged by, the endpoint, and excerpts of the service's output.
/// </summary>
public static class OpportunityRules
{
    public static List<FoundOpportunity> Find(ServiceTelemetry telemetry, ImprovementOptions options)
    {
        var found = new List<FoundOpportunity>();
        var name = telemetry.Service.Name;
        var excerpts = Excerpts(telemetry.LiveSamples);

        foreach (var endpoint in Probes(telemetry.LiveSamples))
        {
            var rate = endpoint.Requests == 0 ? 0 : 100.0 * endpoint.Failures / endpoint.Requests;
            if (endpoint.Requests >= options.MinRequests && rate >= options.ErrorRateThreshold)
            {
                var statuses = string.Join(", ", endpoint.Statuses.OrderByDescending(s => s.Value).Select(s => $"{s.Key} ×{s.Value}"));
                found.Add(new FoundOpportunity(OpportunityKinds.FailingEndpoint, endpoint.Path, $"{name}:{OpportunityKinds.FailingEndpoint}:{endpoint.Path}",
                    $"GET {endpoint.Path} of {name} failed {Percent(rate)} of {endpoint.Requests} requests ({statuses})",
                    Evidence(telemetry.Live, endpoint.Path, excerpts,
                        ("requests", endpoint.Requests), ("failures", endpoint.Failures), ("errorRatePercent", Math.Round(rate, 2)),
                        ("statuses", new JsonObject(endpoint.Statuses.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value)))),
                        ("p50Ms", endpoint.P50Ms), ("p95Ms", endpoint.P95Ms)),
                    Math.Round(Math.Min(100, rate), 1)));
            }

            if (Probes(telemetry.PreviousSamples).FirstOrDefault(p => p.Path == endpoint.Path) is { } before
                && before.Requests >= options.MinRequests && endpoint.Requests >= options.MinRequests
                && endpoint.P50Ms - before.P50Ms > Math.Max(before.P50Ms * options.LatencyRegression / 100, options.LatencyFloorMs))
            {
                var increase = before.P50Ms <= 0 ? 100 : 100 * (endpoint.P50Ms - before.P50Ms) / before.P50Ms;
                found.Add(new FoundOpportunity(OpportunityKinds.LatencyRegression, endpoint.Path, $"{name}:{OpportunityKinds.LatencyRegression}:{endpoint.Path}",
                    $"GET {endpoint.Path} of {name} answers in {endpoint.P50Ms:0} ms (median), {Percent(increase)} slower than version {telemetry.Previous!.Number}'s {before.P50Ms:0} ms",
                    Evidence(telemetry.Live, endpoint.Path, excerpts,
                        ("p50Ms", endpoint.P50Ms), ("previousP50Ms", before.P50Ms), ("previousVersion", telemetry.Previous.Number),
                        ("increasePercent", Math.Round(increase, 1)), ("requests", endpoint.Requests)),
                    Math.Round(Math.Min(100, increase / 2), 1)));
            }
        }

        var logs = telemetry.LiveSamples.Where(IsOutput).ToList();
        var restarts = (int)logs.SelectMany(s => s.Signals).Where(s => s.Kind == TelemetrySignal.Restart).Sum(s => s.Value);
        if (restarts >= options.CrashLoopRestarts)
            found.Add(new FoundOpportunity(OpportunityKinds.CrashLoop, null, $"{name}:{OpportunityKinds.CrashLoop}",
                $"{name} was restarted {restarts} times in the window", Evidence(telemetry.Live, null, excerpts, ("restarts", restarts)), 90));

        foreach (var exception in logs.SelectMany(s => s.Signals).Where(s => s.Kind == TelemetrySignal.Exception).GroupBy(s => s.Key))
        {
            var count = (int)exception.Sum(s => s.Value);
            if (count < options.RecurringExceptionCount)
                continue;
            found.Add(new FoundOpportunity(OpportunityKinds.RecurringException, null, $"{name}:{OpportunityKinds.RecurringException}:{exception.Key}",
                $"{name} raised {exception.Key} {count} times in the window",
                Evidence(telemetry.Live, null, [exception.First().Example ?? exception.Key], ("exception", exception.Key), ("count", count)),
                Math.Min(80, 20 + count)));
        }

        return found.OrderByDescending(f => f.Impact).ThenBy(f => f.Key, StringComparer.Ordinal).ToList();
    }

    sealed record EndpointFigures(string Path, int Requests, int Failures, Dictionary<string, int> Statuses, double P50Ms, double P95Ms);

    /// <summary>Each probed path's totals over the samples; latency is the median of the samples' medians (and of their p95s).</summary>
    static IEnumerable<EndpointFigures> Probes(IReadOnlyList<TelemetrySample> samples) =>
        samples.Where(s => s.Source == TelemetrySources.Probe && s.Endpoint is not null && s.Requests > 0)
            .GroupBy(s => s.Endpoint!)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new EndpointFigures(g.Key, g.Sum(s => s.Requests), g.Sum(s => s.Failures),
                g.SelectMany(s => s.Statuses).GroupBy(s => s.Key).ToDictionary(s => s.Key, s => s.Sum(x => x.Value)),
                Math.Round(Percentiles.Median(g.Select(s => s.P50Ms)), 1), Math.Round(Percentiles.Median(g.Select(s => s.P95Ms)), 1)));

    /// <summary>The most frequent exception and error lines of the service's output (read or sent over OTLP), as it wrote them.</summary>
    static List<string> Excerpts(IReadOnlyList<TelemetrySample> samples) =>
        samples.Where(IsOutput).SelectMany(s => s.Signals)
            .Where(s => s.Kind is TelemetrySignal.Exception or TelemetrySignal.ErrorLine && s.Example is not null)
            .GroupBy(s => s.Key).OrderByDescending(g => g.Sum(s => s.Value)).Take(3).Select(g => g.First().Example!).ToList();

    /// <summary>
    /// What the service said itself: its output read by Builder (local target) and what it sent over OTLP
    /// (error log records, failed spans), so an exception counts the same whichever way it arrived.
    /// </summary>
    static bool IsOutput(TelemetrySample sample) => sample.Source is TelemetrySources.Logs or TelemetrySources.Otlp;

    static JsonObject Evidence(ServiceVersion live, string? endpoint, List<string> excerpts, params (string Name, JsonNode? Value)[] figures)
    {
        var evidence = new JsonObject { ["version"] = live.Number, ["endpoint"] = endpoint };
        foreach (var (name, value) in figures)
            evidence[name] = value;
        evidence["logExcerpts"] = new JsonArray(excerpts.Select(e => (JsonNode?)e).ToArray());
        return evidence;
    }


    static string Percent(double value) => value.ToString("0.#", CultureInfo.InvariantCulture) + " %";
}
