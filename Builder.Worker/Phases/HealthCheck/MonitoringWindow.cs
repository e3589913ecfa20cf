using Builder.Worker.Deployment;
using Builder.Worker.Telemetry;

namespace Builder.Worker.Phases.HealthCheck;

/// <summary>What a monitoring window saw, and the breach that ended it early or failed it at the end.</summary>
public sealed record WindowResult(int Probes, int Failures, double SuccessRate, double P50Ms, double P99Ms, TimeSpan Elapsed, string? Breach)
{
    /// <summary>The previous version, probed side by side: its success rate and median latency.</summary>
    public (double SuccessRate, double P50Ms)? Previous { get; init; }

    public IReadOnlyDictionary<string, double> Figures
    {
        get
        {
            var figures = new Dictionary<string, double>
            {
                ["probes"] = Probes, ["failures"] = Failures, ["successRate"] = Math.Round(SuccessRate, 2), ["p50Ms"] = Math.Round(P50Ms, 1),
                ["p99Ms"] = Math.Round(P99Ms, 1), ["elapsedMs"] = Math.Round(Elapsed.TotalMilliseconds),
            };
            if (Previous is { } previous)
            {
                figures["previousSuccessRate"] = Math.Round(previous.SuccessRate, 2);
                figures["previousP50Ms"] = Math.Round(previous.P50Ms, 1);
            }

            return figures;
        }
    }
}

/// <summary>The version the new one is compared with during the window: its own address and its name in messages.</summary>
public sealed record Baseline(Uri Address, string Name);

/// <summary>
/// Probes a version every interval for the policy's window. A breach ends the window as soon as it
/// is certain: once more probes have failed than the success rate allows over the whole window, no
/// later success can bring it back. Latency is judged at the end, over every probe. With a baseline
/// (the previous version, still warm) each probe is paired with one of the baseline, and the new
/// version fails when it is more than the policy's MaxDegradation worse on error rate or median latency.
/// </summary>
public sealed class MonitoringWindow(HealthProbe probe)
{
    /// <summary>
    /// Differences below these are noise on a shared host (and the new version is reached through the
    /// gateway, the baseline directly): 10 % of a 1 ms median is no signal.
    /// </summary>
    public static readonly TimeSpan LatencyFloor = TimeSpan.FromMilliseconds(10);

    public const double ErrorRateFloorPoints = 1;

    public async Task<WindowResult> RunAsync(Uri address, DeployManifest manifest, Action<ProbeResult> onProbe, CancellationToken cancellationToken,
        Baseline? baseline = null)
    {
        var policy = manifest.Policy;
        var expected = Math.Max(1, (int)(policy.Window.Ticks / policy.Interval.Ticks));
        var allowedFailures = (int)Math.Floor(expected * (100 - policy.SuccessRate) / 100 + 1e-9);
        var timeout = TimeSpan.FromTicks(Math.Max(policy.MaxP99.Ticks * 4, TimeSpan.FromSeconds(1).Ticks));
        var latencies = new List<double>();
        var failures = 0;
        var compare = baseline is not null && policy.MaxDegradation > 0;
        var baselineLatencies = new List<double>();
        var baselineFailures = 0;
        var started = DateTime.UtcNow;
        string? breach = null;

        for (var n = 0; n < expected; n++)
        {
            var next = started + policy.Interval * (n + 1);
            var result = await probe.ProbeAsync(address, manifest.Health, timeout, cancellationToken);
            latencies.Add(result.Latency.TotalMilliseconds);
            onProbe(result);
            if (compare)
            {
                var before = await probe.ProbeAsync(baseline!.Address, manifest.Health, timeout, cancellationToken);
                baselineLatencies.Add(before.Latency.TotalMilliseconds);
                if (!before.Ok)
                    baselineFailures++;
            }

            if (!result.Ok && ++failures > allowedFailures)
            {
                breach = $"probe {n + 1} of {expected} failed ({(result.Status is { } s ? $"status {s}" : result.Error)}): {failures} failures, "
                         + $"more than the {allowedFailures} a {policy.SuccessRate:0.##}% success rate allows";
                break;
            }

            var wait = next - DateTime.UtcNow;
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, cancellationToken);
        }

        var p99 = Percentiles.Of(latencies, 0.99);
        var rate = latencies.Count == 0 ? 0 : 100.0 * (latencies.Count - failures) / latencies.Count;
        if (breach is null && rate < policy.SuccessRate)
            breach = $"success rate {rate:0.##}% is below {policy.SuccessRate:0.##}%";
        if (breach is null && p99 > policy.MaxP99.TotalMilliseconds)
            breach = $"p99 latency {p99:0} ms is above {policy.MaxP99.TotalMilliseconds:0} ms";

        var p50 = Percentiles.Of(latencies, 0.5);
        (double SuccessRate, double P50Ms)? previous = null;
        if (compare && baselineLatencies.Count > 0)
        {
            previous = (100.0 * (baselineLatencies.Count - baselineFailures) / baselineLatencies.Count, Percentiles.Of(baselineLatencies, 0.5));
            breach ??= Degradation(rate, p50, previous.Value, policy.MaxDegradation, baseline!.Name);
        }

        return new WindowResult(latencies.Count, failures, rate, p50, p99, DateTime.UtcNow - started, breach) { Previous = previous };
    }

    /// <summary>Why the new version is more than <paramref name="allowed"/> percent worse than the baseline, or null.</summary>
    public static string? Degradation(double successRate, double p50Ms, (double SuccessRate, double P50Ms) previous, double allowed, string previousName)
    {
        var (errors, previousErrors) = (100 - successRate, 100 - previous.SuccessRate);
        if (errors - previousErrors > Math.Max(previousErrors * allowed / 100, ErrorRateFloorPoints))
            return $"error rate {errors:0.##}% is more than {allowed:0.##}% worse than {previousName}'s {previousErrors:0.##}%";
        if (p50Ms - previous.P50Ms > Math.Max(previous.P50Ms * allowed / 100, LatencyFloor.TotalMilliseconds))
            return $"median latency {p50Ms:0} ms is more than {allowed:0.##}% worse than {previousName}'s {previous.P50Ms:0} ms";
        return null;
    }

}
