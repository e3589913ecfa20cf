using Builder.Core.Events;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Builder.Api.Streaming;

/// <summary>A feature's event, as hub clients receive it (method "FeatureEvent").</summary>
public sealed record FeatureEventMessage(Guid FeatureId, FeatureEventView Event);

/// <summary>A run of the board moved (method "FeatureChanged"); the client reads the feature again when it cares.</summary>
public sealed record FeatureChangedMessage(Guid FeatureId, long Sequence, string Type, string? Phase, DateTime Timestamp);

/// <summary>
/// Forwards the feed to this process's hub connections, in sequence order per feature. Log lines go
/// to a run's subscribers only; the board hears of everything else.
/// </summary>
public sealed class FeatureHubRelay(
    FeatureEventFeed feed, FeatureEventLog log, HubSubscriptions subscriptions, IHubContext<FeaturesHub> hub, IOptions<StreamingOptions> options,
    ILogger<FeatureHubRelay> logger) : BackgroundService
{
    readonly Dictionary<Guid, FeatureSequencer> _features = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await feed.Ready.WaitAsync(stoppingToken);
        using var live = feed.Subscribe(featureId: null, unbounded: true);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                tick.CancelAfter(TimeSpan.FromSeconds(1));
                try
                {
                    await live.Reader.WaitToReadAsync(tick.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                }

                while (live.Reader.TryRead(out var e))
                {
                    if (!_features.TryGetValue(e.FeatureId, out var sequencer))
                        _features[e.FeatureId] = sequencer = new FeatureSequencer(e.Sequence - 1);
                    sequencer.Add(e);
                    await SendAsync(sequencer.Release(), stoppingToken);
                }

                await CatchUpAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Relaying events to hub connections failed");
            }
        }
    }

    /// <summary>Reads overdue predecessors from the store, and forgets runs that ended or went quiet.</summary>
    async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        foreach (var (featureId, sequencer) in _features.ToList())
        {
            if (sequencer.WaitingSince is { } since && now - since > options.Value.GapHold)
            {
                sequencer.AddRange(await log.ReadAsync(featureId, sequencer.Last, 1000, cancellationToken));
                await SendAsync(sequencer.Release(), cancellationToken);
            }
            else if (sequencer.WaitingSince is null && now - sequencer.LastActivity > TimeSpan.FromMinutes(10))
            {
                _features.Remove(featureId);
            }
        }
    }

    async Task SendAsync(List<FeatureEvent> events, CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            if (FeatureSequencer.IsTerminal(e))
                _features.Remove(e.FeatureId);
            if (!subscriptions.Any)
                continue;

            var view = FeatureViews.Event(e);
            foreach (var connection in subscriptions.Members(HubSubscriptions.FeatureGroup(e.TenantId, e.FeatureId)))
                await hub.Clients.Client(connection).SendAsync("FeatureEvent", new FeatureEventMessage(e.FeatureId, view), cancellationToken);
            if (e.Type == EventTypes.Log)
                continue;
            var changed = new FeatureChangedMessage(e.FeatureId, e.Sequence, e.Type, e.Phase, e.Timestamp);
            foreach (var connection in subscriptions.Members(HubSubscriptions.BoardGroup(e.TenantId)))
                await hub.Clients.Client(connection).SendAsync("FeatureChanged", changed, cancellationToken);
        }
    }
}
