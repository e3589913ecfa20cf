using Microsoft.Extensions.Options;

namespace Builder.Web.Services;

/// <summary>
/// Tells a page when what it shows may have changed, for every feature (the board, the inbox) or
/// for one. Pages then ask the API again. Today the signal is a timer; when the API's SignalR hub
/// (<c>/hubs/features</c>) is there, an implementation that listens to it replaces this one, and
/// no page changes.
/// </summary>
public interface IFeatureUpdates
{
    /// <param name="featureId">The feature to watch; null for any feature.</param>
    /// <param name="changed">Called, never twice at once, when something may have changed. Its exceptions are the caller's to handle.</param>
    /// <returns>Disposing it stops the calls.</returns>
    IDisposable Subscribe(Guid? featureId, Func<Task> changed);
}

/// <summary>Signals every <see cref="WebOptions.RefreshInterval"/>: the dashboard polls until the hub lands.</summary>
public sealed class PollingFeatureUpdates(IOptions<WebOptions> options, TimeProvider clock, ILogger<PollingFeatureUpdates> logger) : IFeatureUpdates
{
    public IDisposable Subscribe(Guid? featureId, Func<Task> changed)
    {
        var subscription = new Subscription();
        _ = subscription.RunAsync(options.Value.RefreshInterval, clock, changed, logger);
        return subscription;
    }

    sealed class Subscription : IDisposable
    {
        // Cancelled, not disposed: a tick in progress may still hold the token.
        readonly CancellationTokenSource stop = new();

        public async Task RunAsync(TimeSpan interval, TimeProvider clock, Func<Task> changed, ILogger logger)
        {
            using var timer = new PeriodicTimer(interval, clock);
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token))
                    await changed();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                // The subscriber was told to handle its own errors; one that escapes ends its updates.
                logger.LogError(e, "A live update failed; this page stops updating");
            }
        }

        public void Dispose() => stop.Cancel();
    }
}
