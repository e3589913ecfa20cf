using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Builder.Worker.PullRequests;

/// <summary>
/// Retries one whole open-or-update when the host fails transiently (Polly: exponential back-off with
/// jitter, so several workers that failed together do not retry together). The whole operation, not
/// the single request, because it starts with a look-up: if a create timed out after the host had
/// already opened the request, the next attempt finds it and updates it instead of opening another.
/// </summary>
static class HostRetry
{
    public static async Task<T> RunAsync<T>(HostingOptions options, ILogger logger, RepositoryLocation location,
        Func<CancellationToken, Task<T>> operation, CancellationToken ct)
    {
        if (options.MaxAttempts <= 1)
            return await operation(ct);

        var attempts = 1;
        var pipeline = new ResiliencePipelineBuilder<T>().AddRetry(new RetryStrategyOptions<T>
        {
            ShouldHandle = new PredicateBuilder<T>().Handle<PullRequestHostException>(e => e.IsTransient),
            MaxRetryAttempts = options.MaxAttempts - 1,
            Delay = options.RetryDelay,
            MaxDelay = options.MaxRetryDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            OnRetry = args =>
            {
                attempts = args.AttemptNumber + 2;
                var e = (PullRequestHostException)args.Outcome.Exception!;
                logger.LogWarning("{Provider} failed for {Repository} (attempt {Attempt} of {MaxAttempts}): {Reason}; retrying in {Delay}",
                    e.Provider, location.ToString(), args.AttemptNumber + 1, options.MaxAttempts, e.Message, args.RetryDelay);
                return default;
            },
        }).Build();

        try
        {
            return await pipeline.ExecuteAsync(async token => await operation(token), ct);
        }
        catch (PullRequestHostException e) when (e.IsTransient && !ct.IsCancellationRequested)
        {
            throw new PullRequestHostException(e.Provider, $"{e.Message} (gave up after {attempts} attempts)", e.StatusCode, transient: true, e.InnerException);
        }
    }
}
