using System.Runtime.CompilerServices;
using Builder.Core.Events;
using Builder.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Builder.Api.Streaming;

/// <summary>
/// One subscriber's view of a feature's events after a given sequence: the backlog from the store,
/// then the live feed, without a gap or a duplicate at the boundary, ending after the terminal event.
/// </summary>
public sealed class FeatureEventStream(FeatureEventFeed feed, FeatureEventLog log, IDbContextFactory<BuilderDbContext> dbFactory, IOptions<StreamingOptions> options)
{
    const int Page = 1000;

    /// <summary>
    /// The events after <paramref name="after"/>, each once and in sequence order; a null item is a
    /// heartbeat (nothing happened for <see cref="StreamingOptions.Heartbeat"/>).
    /// </summary>
    public async IAsyncEnumerable<FeatureEvent?> ReadAsync(Guid featureId, long after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await feed.Ready.WaitAsync(cancellationToken);
        // Subscribe before reading the backlog: whatever is appended meanwhile is then in one or the other (or both; the sequencer drops the copy).
        using var live = feed.Subscribe(featureId);
        if (await EndedAtOrBeforeAsync(featureId, after, cancellationToken))
            yield break;

        var sequencer = new FeatureSequencer(after);
        var more = true;
        while (true)
        {
            if (more)
                more = await FillPageAsync(sequencer, featureId, cancellationToken);
            foreach (var e in sequencer.Release())
            {
                yield return e;
                if (FeatureSequencer.IsTerminal(e))
                    yield break;
            }

            if (more)
                continue;

            var waiting = sequencer.WaitingSince;
            var wait = waiting is { } since ? since + options.Value.GapHold - DateTime.UtcNow : options.Value.Heartbeat;
            var arrived = await WaitAsync(live, wait < options.Value.PollInterval ? options.Value.PollInterval : wait, cancellationToken);
            while (live.Reader.TryRead(out var e))
                sequencer.Add(e);

            // Dropped events (a slow reader) or an overdue predecessor: the store has them.
            if (live.TakeOverflow() || (!arrived && waiting is not null))
            {
                more = true;
                continue;
            }

            if (arrived)
                continue;

            // Nothing for a heartbeat's time: look at the store once (a safety net for an event the feed missed), then say we are alive.
            more = await FillPageAsync(sequencer, featureId, cancellationToken);
            var caughtUp = sequencer.Release();
            foreach (var e in caughtUp)
            {
                yield return e;
                if (FeatureSequencer.IsTerminal(e))
                    yield break;
            }

            if (caughtUp.Count == 0)
                yield return null;
        }
    }

    /// <summary>Reads one page of the store after the last released event into the sequencer; true when the page was full.</summary>
    async Task<bool> FillPageAsync(FeatureSequencer sequencer, Guid featureId, CancellationToken cancellationToken)
    {
        var page = await log.ReadAsync(featureId, sequencer.Last, Page, cancellationToken);
        sequencer.AddRange(page);
        return page.Count == Page;
    }

    static async Task<bool> WaitAsync(FeedSubscription live, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        try
        {
            return await live.Reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>A resume point at or past the terminal event has nothing more to send.</summary>
    async Task<bool> EndedAtOrBeforeAsync(Guid featureId, long after, CancellationToken cancellationToken)
    {
        if (after == 0)
            return false;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var terminal = FeatureSequencer.TerminalTypes.ToList();
        return await db.FeatureEvents.AnyAsync(e => e.FeatureId == featureId && e.Sequence <= after && terminal.Contains(e.Type), cancellationToken);
    }
}
