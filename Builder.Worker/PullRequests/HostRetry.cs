using Microsoft.Extensions.Logging;

namespace Builder.Worker.PullRequests;

/// <summary>
/// Retries one whole open-or-update when the host fails transiently. The whole operation, not the
/// single request, because it starts with a look-up: if a create timed out after the host had
/// already opened the request, the next attempt finds it and updates it instead of opening another.
/// </summary>
static class HostRetry
{
    public static async Task<T> RunAsync<T>(HostingOptions options, ILogger logger, RepositoryLocation location,
        Func<CancellationToken, Task<T>> operation, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await operation(ct);
            }
            catch (PullRequestHostException e) when (e.IsTransient && attempt < options.MaxAttempts && !ct.IsCancellationRequested)
            {
                var delay = Delay(options, attempt);
                logger.LogWarning("{Provider} failed for {Repository} (attempt {Attempt} of {MaxAttempts}): {Reason}; retrying in {Delay}",
                    e.Provider, location.ToString(), attempt, options.MaxAttempts, e.Message, delay);
                await Task.Delay(delay, ct);
            }
            catch (PullRequestHostException e) when (e.IsTransient && options.MaxAttempts > 1 && !ct.IsCancellationRequested)
            {
                throw new PullRequestHostException(e.Provider, $"{e.Message} (gave up after {attempt} attempts)", e.StatusCode, transient: true, e.InnerException);
            }
        }
    }

    static TimeSpan Delay(HostingOptions options, int attempt)
    {
        var exponential = options.RetryDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        // Jitter keeps several workers that failed together from retrying together.
        var jittered = exponential * (0.8 + Random.Shared.NextDouble() * 0.4);
        return TimeSpan.FromMilliseconds(Math.Min(jittered, options.MaxRetryDelay.TotalMilliseconds));
    }
}
