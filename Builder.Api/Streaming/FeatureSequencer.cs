using Builder.Core.Events;

namespace Builder.Api.Streaming;

/// <summary>
/// Releases one feature's events strictly in sequence order, each exactly once: duplicates are
/// dropped, and an event that arrives ahead of its predecessor waits for it. Sequences have no
/// gaps, so a missing one is always coming (or is to be read from the store after a while).
/// Not thread-safe: one reader owns it.
/// </summary>
public sealed class FeatureSequencer(long last)
{
    readonly SortedDictionary<long, FeatureEvent> _pending = new();

    /// <summary>The sequence of the last event released.</summary>
    public long Last { get; private set; } = last;

    /// <summary>Since when an event has been waiting for a predecessor; null when nothing waits.</summary>
    public DateTime? WaitingSince { get; private set; }

    public DateTime LastActivity { get; private set; } = DateTime.UtcNow;

    public void Add(FeatureEvent e)
    {
        if (e.Sequence > Last)
            _pending.TryAdd(e.Sequence, e);
    }

    public void AddRange(IEnumerable<FeatureEvent> events)
    {
        foreach (var e in events)
            Add(e);
    }

    /// <summary>The events that can go out now, in order.</summary>
    public List<FeatureEvent> Release()
    {
        var released = new List<FeatureEvent>();
        while (_pending.Remove(Last + 1, out var next))
        {
            released.Add(next);
            Last = next.Sequence;
        }

        var now = DateTime.UtcNow;
        if (released.Count > 0)
            LastActivity = now;
        WaitingSince = _pending.Count == 0 ? null : released.Count > 0 ? now : WaitingSince ?? now;
        return released;
    }

    public static readonly IReadOnlySet<string> TerminalTypes = new HashSet<string>
    {
        EventTypes.FeatureCompleted, EventTypes.FeatureFailed, EventTypes.FeatureCancelled, EventTypes.FeatureRejected,
    };

    public static bool IsTerminal(FeatureEvent e) => TerminalTypes.Contains(e.Type);
}
