using System.Globalization;
using Microsoft.JSInterop;

namespace Builder.Web.Services;

/// <summary>
/// The viewer's time zone, asked of the browser once per circuit, so that times are rendered on the
/// server in the zone of whoever looks at them. Until the browser has answered (and when it cannot,
/// as during prerendering) times show in UTC and say so.
/// </summary>
public sealed class ViewerClock
{
    Task? asking;

    public TimeZoneInfo? Zone { get; private set; }

    /// <summary>Raised once the zone is known, so times already shown can be rendered again.</summary>
    public event Action? Changed;

    public Task LearnZoneAsync(IJSRuntime js) => asking ??= AskAsync(js);

    async Task AskAsync(IJSRuntime js)
    {
        try
        {
            var id = await js.InvokeAsync<string?>("builder.timeZone");
            if (!string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
            {
                Zone = zone;
                Changed?.Invoke();
            }
        }
        catch (Exception e) when (e is JSException or JSDisconnectedException or InvalidOperationException or TaskCanceledException)
        {
            // No browser to ask (prerendering, a test renderer, a closed tab): UTC it stays.
        }
    }

    /// <summary>Date and time, in the viewer's zone when known: "2025-03-14 09:05" or "2025-03-14 07:05 UTC".</summary>
    public string Format(DateTimeOffset at, bool seconds = false)
    {
        var pattern = seconds ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm";
        return Zone is { } zone
            ? TimeZoneInfo.ConvertTime(at, zone).ToString(pattern, CultureInfo.InvariantCulture)
            : at.UtcDateTime.ToString(pattern, CultureInfo.InvariantCulture) + " UTC";
    }

    /// <summary>Only the time of day, for timelines within one run.</summary>
    public string FormatTime(DateTimeOffset at) => Zone is { } zone
        ? TimeZoneInfo.ConvertTime(at, zone).ToString("HH:mm:ss", CultureInfo.InvariantCulture)
        : at.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    public string ZoneName => Zone?.Id ?? "UTC";
}
