using Builder.Web.Services;
using Microsoft.AspNetCore.Components;

namespace Builder.Web.Components.Shared;

/// <summary>
/// A component that stays current while it is open: it listens to <see cref="IFeatureUpdates"/> and
/// reloads on each signal, rendering again only when <see cref="RefreshAsync"/> says something changed.
/// </summary>
public abstract class LiveComponent : ComponentBase, IDisposable
{
    // Cancelled, not disposed, on Dispose: a request still in flight may hold its token.
    readonly CancellationTokenSource stop = new();
    IDisposable? subscription;

    [Inject] IFeatureUpdates Updates { get; set; } = default!;

    /// <summary>Cancelled when the component goes away; pass it to API calls.</summary>
    protected CancellationToken Stopping => stop.Token;

    /// <summary>
    /// Starts (or moves) the listening. Call it once the first load has finished, so that no
    /// refresh overlaps it; pages render signed-in content only in an interactive circuit, never
    /// while prerendering, so the end of <c>OnInitializedAsync</c> is the place.
    /// </summary>
    protected void Listen(Guid? featureId = null)
    {
        if (stop.IsCancellationRequested)
            return;
        subscription?.Dispose();
        subscription = Updates.Subscribe(featureId, OnSignalAsync);
    }

    /// <summary>Reloads what the component shows; returns true when that changed and a render is due.</summary>
    protected abstract Task<bool> RefreshAsync();

    Task OnSignalAsync() => stop.IsCancellationRequested ? Task.CompletedTask : InvokeAsync(async () =>
    {
        try
        {
            if (await RefreshAsync() && !stop.IsCancellationRequested)
                StateHasChanged();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Anything but an API error (which RefreshAsync shows itself) is a bug: let the circuit report it.
            await DispatchExceptionAsync(e);
        }
    });

    public virtual void Dispose()
    {
        stop.Cancel();
        subscription?.Dispose();
        GC.SuppressFinalize(this);
    }
}
