using Builder.Worker.Deployment;

namespace Builder.Worker.Phases.HealthCheck;

/// <summary>What a monitoring window saw, and the breach that ended it early or failed it at the end.</summary>
public sealed record WindowResult(int Probes, int Failures, double SuccessRate, double P50Ms, double P99Ms, TimeSpan Elapsed, string? Breach)
{
    public IReadOnlyDictionary<string, double> Figures => new Dictionary<string, double>
    {
        ["probes"] = Probes, ["failures"] = Failures, ["successRate"] = Math.Round(SuccessRate, 2), ["p50Ms"] = Math.Round(P50Ms, 1), ["p99Ms"] = Math.Round(P99Ms, 1),
        ["elapsedMs"] = Math.Round(Elapsed.TotalMilliseconds),
    };
}

/// <summary>
/// Probes a version every interval for the policy's window. A breach ends the window as soon as it
/// is certain: once more probes have failed than the success rate allows over the whole window, no
/// later success can bring it back. Latency is judged at the end, over every probe.
/// </summary>
public sealed class MonitoringWindow(HealthProbe probe)
{
    public async Task<WindowResult> RunAsync(Uri address, DeployManifest manifest, Action<ProbeResult> onProbe, CancellationToken cancellationToken)
    {
        var policy = manifest.Policy;
        var expected = Math.Max(1, (int)(policy.Window.Ticks / policy.Interval.Ticks));
        var allowedFailures = (int)Math.Floor(expected * (100 - policy.SuccessRate) / 100 + 1e-9);
        var timeout = TimeSpan.FromTicks(Math.Max(policy.MaxP99.Ticks * 4, TimeSpan.FromSeconds(1).Ticks));
        var latencies = new List<double>();
        var failures = 0;
        var started = DateTime.UtcNow;
        string? breach = null;

        for (var n = 0; n < expected; n++)
        {
            var next = started + policy.Interval * (n + 1);
            var result = await probe.ProbeAsync(address, manifest.Health, timeout, cancellationToken);
            latencies.Add(result.Latency.TotalMilliseconds);
            onProbe(result);
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

        var p99 = Percentile(latencies, 0.99);
        var rate = latencies.Count == 0 ? 0 : 100.0 * (latencies.Count - failures) / latencies.Count;
        if (breach is null && rate < policy.SuccessRate)
            breach = $"success rate {rate:0.##}% is below {policy.SuccessRate:0.##}%";
        if (breach is null && p99 > policy.MaxP99.TotalMilliseconds)
            breach = $"p99 latency {p99:0} ms is above {policy.MaxP99.TotalMilliseconds:0} ms";
        return new WindowResult(latencies.Count, failures, rate, Percentile(latencies, 0.5), p99, DateTime.UtcNow - started, breach);
    }

    static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
            return 0;
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
