using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace Builder.Worker.Telemetry;

/// <summary>A telemetry source answered, but not with anything Builder can read.</summary>
public sealed class TelemetrySourceException(string message) : Exception(message);

/// <summary>
/// A circuit breaker per version and source (Polly): after two failed reads in a row a source is left
/// alone for the break duration, and each round in between records that it was skipped and why,
/// instead of waiting on a source that is down.
/// </summary>
public sealed class SourceBreakers(IOptions<TelemetryOptions> options)
{
    readonly ConcurrentDictionary<(Guid Version, string Source), (ResiliencePipeline Pipeline, string?[] LastError)> _breakers = new();

    /// <summary>Null when the read succeeded; otherwise why the source gave nothing.</summary>
    public async Task<string?> ReadAsync(Guid versionId, string source, Func<CancellationToken, Task> read, CancellationToken cancellationToken)
    {
        var (pipeline, lastError) = _breakers.GetOrAdd((versionId, source), _ => Create());
        try
        {
            await pipeline.ExecuteAsync(async token => await read(token), cancellationToken);
            return null;
        }
        catch (BrokenCircuitException)
        {
            return $"the breaker is open after repeated failures (last: {lastError[0]}); it is read again once the breaker closes";
        }
        catch (Exception ex) when (ex is HttpRequestException or TelemetrySourceException or FormatException
                                       or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return lastError[0] = ex is OperationCanceledException ? $"no answer within {options.Value.ProbeTimeout.TotalSeconds:0.#} s" : ex.Message;
        }
    }

    /// <summary>Forgets the breakers of versions no longer live.</summary>
    public void Keep(IReadOnlySet<Guid> versions)
    {
        foreach (var key in _breakers.Keys.Where(k => !versions.Contains(k.Version)))
            _breakers.TryRemove(key, out _);
    }

    (ResiliencePipeline, string?[]) Create() => (new ResiliencePipelineBuilder()
        .AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            FailureRatio = 1.0,
            MinimumThroughput = 2,
            SamplingDuration = TimeSpan.FromMinutes(5),
            BreakDuration = options.Value.BreakDuration,
            ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<TelemetrySourceException>().Handle<FormatException>()
                .Handle<OperationCanceledException>(),
        })
        .Build(), new string?[1]);
}
