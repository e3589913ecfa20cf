namespace Builder.Tests.Support;

/// <summary>
/// Waits for something another process or thread makes true: reads it again every few milliseconds until it
/// holds, and fails naming what was awaited and what was last seen. The one polling loop of the tests.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>The first value read that is <paramref name="done"/>.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null, TimeSpan? every = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var value = await read();
            if (done(value))
                return value;
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException($"Waited {limit.TotalSeconds:0.#} s for {what}; last seen: {value?.ToString() ?? "nothing"}.");
            await Task.Delay(every ?? DefaultInterval);
        }
    }

    public static Task<T> Until<T>(Func<T> read, Func<T, bool> done, string what, TimeSpan? timeout = null, TimeSpan? every = null) =>
        Until(() => Task.FromResult(read()), done, what, timeout, every);

    public static Task True(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, TimeSpan? every = null) =>
        Until(condition, ok => ok, what, timeout, every);

    public static Task True(Func<bool> condition, string what, TimeSpan? timeout = null, TimeSpan? every = null) =>
        Until(() => Task.FromResult(condition()), ok => ok, what, timeout, every);
}

/// <summary>
/// The other side of <see cref="Eventually"/>: something that must stay true for a while (a run that must wait at
/// a gate). Reads it again and again for <c>duration</c> and fails at the first read where it does not hold.
/// </summary>
public static class Consistently
{
    public static async Task True(Func<Task<bool>> condition, string what, TimeSpan duration, TimeSpan? every = null)
    {
        var end = DateTime.UtcNow + duration;
        do
        {
            if (!await condition())
                throw new Xunit.Sdk.XunitException($"Expected {what} for {duration.TotalSeconds:0.#} s, but it changed.");
            await Task.Delay(every ?? TimeSpan.FromMilliseconds(100));
        } while (DateTime.UtcNow < end);
    }
}
