namespace Builder.Api.ServiceContract;

/// <summary>
/// Requests served since start and server errors per minute for the last hour, for GET /state. A ring of
/// sixty one-minute buckets: counting is two interlocked increments, reading sums the buckets still in the hour.
/// </summary>
public sealed class RequestCounters(TimeProvider clock)
{
    readonly long[] _errors = new long[60];
    readonly long[] _minuteOf = new long[60];
    long _total;

    public DateTimeOffset StartedAt { get; } = clock.GetUtcNow();

    public long Total => Interlocked.Read(ref _total);

    public void Count(int statusCode)
    {
        Interlocked.Increment(ref _total);
        if (statusCode < 500)
            return;
        var minute = clock.GetUtcNow().ToUnixTimeSeconds() / 60;
        var slot = (int)(minute % 60);
        lock (_errors)
        {
            if (_minuteOf[slot] != minute)
                (_minuteOf[slot], _errors[slot]) = (minute, 0);
            _errors[slot]++;
        }
    }

    public long ErrorsLastHour()
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds() / 60;
        lock (_errors)
            return Enumerable.Range(0, 60).Where(i => now - _minuteOf[i] < 60).Sum(i => _errors[i]);
    }
}
