using System.Diagnostics;
using Builder.Worker.Deployment;

namespace Builder.Worker.Phases.HealthCheck;

/// <summary>One GET of a health path: whether it answered the expected status, and how fast.</summary>
public sealed record ProbeResult(bool Ok, int? Status, TimeSpan Latency, string? Error);

public sealed class HealthProbe(ServiceClients clients)
{
    public async Task<ProbeResult> ProbeAsync(Uri baseAddress, HealthSettings health, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            using var response = await clients.For(baseAddress).GetAsync(new Uri(baseAddress, health.Path.TrimStart('/')), HttpCompletionOption.ResponseHeadersRead, limit.Token);
            var status = (int)response.StatusCode;
            return new ProbeResult(status == health.ExpectedStatus, status, stopwatch.Elapsed, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProbeResult(false, null, stopwatch.Elapsed, $"no answer within {timeout.TotalMilliseconds:0} ms");
        }
        catch (HttpRequestException ex)
        {
            return new ProbeResult(false, null, stopwatch.Elapsed, ex.Message);
        }
    }

    /// <summary>
    /// Probes until the expected status answers or the timeout passes. Why not: the last answer with a
    /// status when there was one (a last probe cut short by the deadline says less than "answered 500"),
    /// else the last probe's error.
    /// </summary>
    public async Task<ProbeResult> WaitReadyAsync(Uri baseAddress, HealthSettings health, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        ProbeResult? answered = null;
        while (true)
        {
            var remaining = deadline - DateTime.UtcNow;
            var probe = await ProbeAsync(baseAddress, health, remaining > TimeSpan.FromSeconds(2) ? TimeSpan.FromSeconds(2) : remaining.Duration(), cancellationToken);
            if (probe.Status is not null)
                answered = probe;
            if (probe.Ok)
                return probe;
            if (DateTime.UtcNow >= deadline)
                return probe.Status is null && answered is not null ? answered : probe;
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }
}
