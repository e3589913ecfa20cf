using Builder.Core.Artifacts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Core.StateMachines;

namespace Builder.Worker.Pipeline;

/// <summary>Everything a phase needs about the run it works on, and the means to record what it does.</summary>
public sealed class PhaseRun(
    Phase phase, int attempt, Feature feature, Repository repository, FeatureState state,
    FeatureEventLog events, ArtifactStore artifacts, CancellationToken cancellationToken)
{
    public Phase Phase { get; } = phase;
    public int Attempt { get; } = attempt;
    public Feature Feature { get; } = feature;
    public Repository Repository { get; } = repository;
    public FeatureState State { get; } = state;

    /// <summary>Cancelled when the run is cancelled (the processes of the phase are then killed) or the worker stops.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Records a fact of this phase; recording the same type twice in one attempt is a no-op.</summary>
    public Task RecordAsync(string type, object payload, string? discriminator = null) =>
        events.AppendAsync(Feature.Id, Feature.TenantId, type, $"{Phase.Name()}:{Attempt}:{type}{(discriminator is null ? "" : ":" + discriminator)}",
            payload, Phase.Name(), cancellationToken: CancellationToken.None);

    public Task StoreTextAsync(string name, string text) =>
        artifacts.PutTextAsync(Feature.Id, Feature.TenantId, name, text, CancellationToken.None);

    public Task StoreAsync(string name, string contentType, byte[] content) =>
        artifacts.PutAsync(Feature.Id, Feature.TenantId, name, contentType, content, CancellationToken.None);

    public async Task<byte[]?> LoadAsync(string name) => (await artifacts.GetAsync(Feature.Id, name, CancellationToken))?.Content;

    /// <summary>Streams command output into the event store in batches, so watchers see progress while a command runs.</summary>
    public LogStream OpenLog(string stream) => new(this, stream);

    public sealed class LogStream(PhaseRun run, string stream)
    {
        readonly List<string> _pending = [];
        readonly Guid _id = Guid.NewGuid();
        readonly SemaphoreSlim _flushGate = new(1, 1);
        DateTime _lastFlush = DateTime.UtcNow;
        int _chunk;

        public void Line(string line)
        {
            lock (_pending)
            {
                _pending.Add(line.Length > 2000 ? line[..2000] + "…" : line);
                if (_pending.Count < 200 && DateTime.UtcNow - _lastFlush < TimeSpan.FromSeconds(1))
                    return;
            }

            _ = FlushAsync();
        }

        public async Task FlushAsync()
        {
            // One flush at a time, so chunks reach the event store in the order of their lines.
            await _flushGate.WaitAsync();
            try
            {
                string[] lines;
                lock (_pending)
                {
                    if (_pending.Count == 0)
                        return;
                    lines = [.. _pending];
                    _pending.Clear();
                    _lastFlush = DateTime.UtcNow;
                }

                await run.RecordAsync(EventTypes.Log, new { stream, lines }, $"{_id:N}:{++_chunk}");
            }
            finally
            {
                _flushGate.Release();
            }
        }
    }
}
