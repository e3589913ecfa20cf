namespace Builder.Worker.Agent.Llm;

/// <summary>One HTTP exchange with the model endpoint: the exact request body sent and the response body received.</summary>
public sealed record ModelExchange(
    string Url, string RequestBody, string RequestSha, int Status, string ResponseBody, bool Cached, IReadOnlyList<RetryNote> Retries, long DurationMs);

/// <summary>Why a request was sent again, and how long Builder waited first.</summary>
public sealed record RetryNote(int? Status, string Reason, long WaitMs);

/// <summary>A recorded answer: the hash of the request it answered and the response body.</summary>
public sealed record RecordedAnswer(string RequestSha, string ResponseBody);

/// <summary>
/// The requests of one agent step and where they go. Live, a request identical to one this feature
/// already paid for (a step resumed after the budget gate or a crash) is answered from the feature's
/// own recorded transcript; every other request passes the budget check and goes to the endpoint.
/// In replay, every request is answered from the transcript, in order, and nothing leaves the process.
/// </summary>
public sealed class ModelTraffic
{
    readonly Dictionary<string, Queue<string>> _cache = new(StringComparer.Ordinal);
    readonly Queue<RecordedAnswer>? _replay;

    ModelTraffic(Queue<RecordedAnswer>? replay) => _replay = replay;

    public static ModelTraffic Live(IEnumerable<RecordedAnswer> answered, Func<int, Task> checkBudget)
    {
        var traffic = new ModelTraffic(null) { CheckBudget = checkBudget };
        foreach (var answer in answered)
        {
            if (!traffic._cache.TryGetValue(answer.RequestSha, out var queue))
                traffic._cache[answer.RequestSha] = queue = new Queue<string>();
            queue.Enqueue(answer.ResponseBody);
        }

        return traffic;
    }

    public static ModelTraffic Replay(IEnumerable<RecordedAnswer> transcript) => new(new Queue<RecordedAnswer>(transcript));

    public bool IsReplay => _replay is not null;

    /// <summary>Throws <see cref="BudgetExceededException"/> when a request of this many input tokens would pass the feature's limits.</summary>
    public Func<int, Task> CheckBudget { get; private init; } = _ => Task.CompletedTask;

    /// <summary>The last exchange, set by the handler for the caller that sent the request.</summary>
    public ModelExchange? Last { get; set; }

    /// <summary>Replayed requests whose body differed from the recorded one.</summary>
    public int ReplayMismatches { get; set; }

    public bool TryTakeCached(string requestSha, out string responseBody)
    {
        responseBody = "";
        if (!_cache.TryGetValue(requestSha, out var queue) || queue.Count == 0)
            return false;
        responseBody = queue.Dequeue();
        return true;
    }

    public RecordedAnswer? NextReplayed() => _replay is { Count: > 0 } ? _replay.Dequeue() : null;

    public int ReplayRemaining => _replay?.Count ?? 0;
}

/// <summary>The next model call would pass the feature's token or cost limit.</summary>
public sealed class BudgetExceededException(string message) : Exception(message);

/// <summary>The endpoint kept failing (rate limits, overload, timeouts, connection errors) through every retry.</summary>
public sealed class ModelUnavailableException(string message) : Exception(message);

/// <summary>A replayed step asked for more answers than the transcript holds: the run cannot be reproduced.</summary>
public sealed class ReplayDivergedException(string message) : Exception(message);
