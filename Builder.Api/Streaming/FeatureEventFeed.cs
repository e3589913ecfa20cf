using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading.Channels;
using Builder.Core.Events;
using Builder.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Builder.Api.Streaming;

/// <summary>
/// The Api process's one reader of the event store for live subscribers. Workers append events in
/// other processes, so the feed polls <c>feature_events</c> by ascending id and fans each new row out
/// in-process to the subscribers of its feature (SSE, WebSocket) and to those of every feature (the
/// SignalR relay) — one query per interval whatever the number of connections.
/// <para>
/// Ids are handed out before commit on Postgres, so a row can appear after a higher id was already
/// seen. The feed remembers the ids it skipped over and looks for them again for
/// <see cref="StreamingOptions.GapHold"/>; an id that never shows up was a rolled-back insert.
/// Subscribers still order by per-feature sequence (<see cref="FeatureSequencer"/>), which is what
/// makes delivery exactly-once and in order.
/// </para>
/// </summary>
public sealed class FeatureEventFeed(IDbContextFactory<BuilderDbContext> dbFactory, IOptions<StreamingOptions> options, ILogger<FeatureEventFeed> logger)
    : BackgroundService
{
    const int BatchSize = 1000;
    const int MaxTrackedGap = 10_000;

    readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly ConcurrentDictionary<Guid, ImmutableList<FeedSubscription>> _byFeature = new();
    readonly SortedDictionary<long, DateTime> _missing = new();
    ImmutableList<FeedSubscription> _everything = [];
    long _high;

    /// <summary>Completes once the feed knows where the store ends; events appended after that are all delivered.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Subscribes to one feature's new events, or to every feature's when <paramref name="featureId"/> is null.</summary>
    public FeedSubscription Subscribe(Guid? featureId, bool unbounded = false)
    {
        var subscription = new FeedSubscription(this, featureId, unbounded ? null : options.Value.SubscriberBuffer);
        if (featureId is { } id)
            _byFeature.AddOrUpdate(id, _ => [subscription], (_, list) => list.Add(subscription));
        else
            ImmutableInterlocked.Update(ref _everything, list => list.Add(subscription));
        return subscription;
    }

    internal void Unsubscribe(FeedSubscription subscription)
    {
        if (subscription.FeatureId is not { } id)
        {
            ImmutableInterlocked.Update(ref _everything, list => list.Remove(subscription));
            return;
        }

        while (_byFeature.TryGetValue(id, out var list))
        {
            var rest = list.Remove(subscription);
            if (rest.IsEmpty ? _byFeature.TryRemove(new KeyValuePair<Guid, ImmutableList<FeedSubscription>>(id, list)) : _byFeature.TryUpdate(id, rest, list))
                return;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested && !_ready.Task.IsCompleted)
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
                _high = await db.FeatureEvents.MaxAsync(e => (long?)e.Id, stoppingToken) ?? 0;
                _ready.TrySetResult();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "The event feed could not read the event store; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }

        using var timer = new PeriodicTimer(options.Value.PollInterval);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A full batch means more are waiting: read on without waiting for the timer.
                while (await PollAsync(stoppingToken) == BatchSize)
                {
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "The event feed could not read the event store; retrying");
            }

            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    async Task<int> PollAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (_missing.Count > 0)
        {
            var ids = _missing.Keys.Take(500).ToList();
            var late = await db.FeatureEvents.AsNoTracking().Where(e => ids.Contains(e.Id)).OrderBy(e => e.Id).ToListAsync(cancellationToken);
            foreach (var e in late)
            {
                _missing.Remove(e.Id);
                Publish(e);
            }

            var expired = DateTime.UtcNow - options.Value.GapHold;
            foreach (var id in _missing.Where(m => m.Value < expired).Select(m => m.Key).ToList())
                _missing.Remove(id);
        }

        var high = _high;
        var fresh = await db.FeatureEvents.AsNoTracking().Where(e => e.Id > high).OrderBy(e => e.Id).Take(BatchSize).ToListAsync(cancellationToken);
        var now = DateTime.UtcNow;
        foreach (var e in fresh)
        {
            if (e.Id - _high is > 1 and <= MaxTrackedGap)
                for (var gap = _high + 1; gap < e.Id; gap++)
                    _missing[gap] = now;
            _high = e.Id;
            Publish(e);
        }

        return fresh.Count;
    }

    void Publish(FeatureEvent e)
    {
        if (_byFeature.TryGetValue(e.FeatureId, out var subscribers))
            foreach (var subscription in subscribers)
                subscription.Offer(e);
        foreach (var subscription in _everything)
            subscription.Offer(e);
    }
}

/// <summary>
/// A subscriber's queue of live events. When a slow subscriber's queue is full, further events are
/// dropped and <see cref="Overflowed"/> tells it to read what it missed from the store.
/// </summary>
public sealed class FeedSubscription : IDisposable
{
    readonly FeatureEventFeed _feed;
    readonly Channel<FeatureEvent> _channel;
    int _overflowed;

    internal FeedSubscription(FeatureEventFeed feed, Guid? featureId, int? capacity)
    {
        _feed = feed;
        FeatureId = featureId;
        _channel = capacity is { } size
            ? Channel.CreateBounded<FeatureEvent>(new BoundedChannelOptions(size) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait })
            : Channel.CreateUnbounded<FeatureEvent>(new UnboundedChannelOptions { SingleReader = true });
    }

    public Guid? FeatureId { get; }

    public ChannelReader<FeatureEvent> Reader => _channel.Reader;

    /// <summary>True once after events were dropped; reading it resets it.</summary>
    public bool TakeOverflow() => Interlocked.Exchange(ref _overflowed, 0) == 1;

    internal void Offer(FeatureEvent e)
    {
        if (!_channel.Writer.TryWrite(e))
            Interlocked.Exchange(ref _overflowed, 1);
    }

    public void Dispose()
    {
        _feed.Unsubscribe(this);
        _channel.Writer.TryComplete();
    }
}
