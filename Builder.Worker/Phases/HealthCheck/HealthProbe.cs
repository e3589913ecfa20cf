using System.Diagnostics;
using Builder.Worker.Deployment;

namespace Builder.Worker.Phases.HealthCheck;

/// <summary>One GET of a health path: whether it answered the expected status, and how fast.</summary>
public sealed record ProbeResult(bool Ok, int? Status, TimeSpan Latency, string? Error);

public sealed class HealthProbe : IDisposable
{
    readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public async Task<ProbeResult> ProbeAsync(Uri baseAddress, HealthSettings health, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            using var response = await _client.GetAsync(new Uri(baseAddress, health.Path.TrimStart('/')), HttpCompletionOption.ResponseHeadersRead, limit.Token);
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

    /// <summary>Probes until the expected status answers or the timeout passes; the last probe says why not.</summary>
    public async Task<ProbeResult> WaitReadyAsync(Uri baseAddress, HealthSettings health, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var remaining = deadline - DateTime.UtcNow;
            var probe = await ProbeAsync(baseAddress, health, remaining > TimeSpan.FromSeconds(2) ? TimeSpan.FromSeconds(2) : remaining.Duration(), cancellationToken);
            if (probe.Ok || DateTime.UtcNow >= deadline)
                return probe;
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    public void Dispose() => _client.Dispose();
}
