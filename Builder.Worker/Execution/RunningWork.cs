using System.Collections.Concurrent;

namespace Builder.Worker.Execution;

/// <summary>
/// The phase work running in this process, by feature, so that a cancellation published on the bus
/// can stop it (and, through the command runner, kill its processes).
/// </summary>
public sealed class RunningWork
{
    readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();

    /// <summary>
    /// Registers work of the feature, or returns null when this process already runs work of it (a
    /// resumed command racing a redelivered one): one phase of a run at a time, in one workspace.
    /// </summary>
    public IDisposable? TryTrack(Guid featureId, CancellationToken messageToken, out CancellationToken token)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(messageToken);
        token = source.Token;
        if (!_running.TryAdd(featureId, source))
        {
            source.Dispose();
            return null;
        }

        return new Registration(() =>
        {
            _running.TryRemove(new KeyValuePair<Guid, CancellationTokenSource>(featureId, source));
            source.Dispose();
        });
    }

    /// <summary>True when this process was running work of the feature.</summary>
    public bool Cancel(Guid featureId)
    {
        if (!_running.TryGetValue(featureId, out var source))
            return false;
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        return true;
    }

    public bool IsRunning(Guid featureId) => _running.ContainsKey(featureId);

    sealed class Registration(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
