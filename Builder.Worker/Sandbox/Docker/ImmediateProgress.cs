namespace Builder.Worker.Sandbox.Docker;

/// <summary>
/// Reports on the caller's thread as each message arrives. Progress&lt;T&gt; posts its callbacks to the
/// thread pool, so an engine call could return before the last lines of its log (the build's error)
/// were seen.
/// </summary>
public sealed class ImmediateProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
