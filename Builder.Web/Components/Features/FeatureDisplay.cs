using Builder.Core.Contracts;
using System.Globalization;
using Builder.Web.Services;

namespace Builder.Web.Components.Features;

/// <summary>How the board words statuses, phases and times.</summary>
public static class FeatureDisplay
{
    public static string Label(FeatureStatus status) => status switch
    {
        FeatureStatus.AwaitingApproval => "Awaiting approval",
        FeatureStatus.RolledBack => "Rolled back",
        _ => status.ToString(),
    };

    /// <summary>The CSS class that colours a status chip.</summary>
    public static string ChipClass(FeatureStatus status) => "chip chip-" + status.ToString().ToLowerInvariant();

    /// <summary>
    /// How a progress bar is coloured: the running blue only while the run can still move; a run
    /// that failed must not look like one in progress.
    /// </summary>
    public static string ProgressTone(FeatureStatus status) => status switch
    {
        FeatureStatus.Failed or FeatureStatus.RolledBack => "failed",
        FeatureStatus.Completed => "done",
        FeatureStatus.Cancelled or FeatureStatus.Rejected => "stopped",
        _ => "running",
    };

    /// <summary>The API names phases in lower case (<c>healthcheck</c>); people read "Health check".</summary>
    public static string? Phase(string? phase) => phase switch
    {
        null or "" => null,
        "healthcheck" => "Health check",
        _ => char.ToUpperInvariant(phase[0]) + phase[1..],
    };

    /// <summary>
    /// How long ago, coarse enough to stay put between refreshes. The server does not know the
    /// viewer's time zone, so it shows ages; the exact UTC time goes in the element's title.
    /// </summary>
    public static string Age(DateTimeOffset at, DateTimeOffset now)
    {
        var age = now - at;
        if (age < TimeSpan.FromMinutes(1))
            return "just now";
        if (age < TimeSpan.FromHours(1))
            return $"{(int)age.TotalMinutes} min ago";
        if (age < TimeSpan.FromDays(1))
            return $"{(int)age.TotalHours} h ago";
        if (age < TimeSpan.FromDays(60))
            return $"{(int)age.TotalDays} d ago";
        return at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    public static string IsoUtc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public static string ReadableUtc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The seven phases in pipeline order, as the API names them.</summary>
    public static readonly IReadOnlyList<string> PhaseNames = RunVocabulary.PhaseNames;

    /// <summary>How a phase's state reads; the API's names are lower case with underscores.</summary>
    public static string PhaseState(string status) => status switch
    {
        "done" => "Done",
        "running" => "Running",
        "queued" => "Queued",
        "failed" => "Failed",
        "skipped" => "Skipped",
        "cancelled" => "Cancelled",
        "awaiting_approval" => "Awaiting approval",
        "pending" => "Pending",
        _ => status.Replace('_', ' '),
    };

    /// <summary>"850 ms", "12.4 s", "3 min 05 s", "1 h 02 min".</summary>
    public static string Duration(TimeSpan d)
    {
        if (d < TimeSpan.Zero)
            d = TimeSpan.Zero;
        if (d < TimeSpan.FromSeconds(1))
            return $"{d.TotalMilliseconds:0} ms";
        if (d < TimeSpan.FromMinutes(1))
            return string.Create(CultureInfo.InvariantCulture, $"{d.TotalSeconds:0.0} s");
        if (d < TimeSpan.FromHours(1))
            return $"{(int)d.TotalMinutes} min {d.Seconds:00} s";
        return $"{(int)d.TotalHours} h {d.Minutes:00} min";
    }

    public static string Duration(long milliseconds) => Duration(TimeSpan.FromMilliseconds(milliseconds));

    /// <summary>How often something refreshes, for the "live" notes.</summary>
    public static string Interval(TimeSpan interval) =>
        interval < TimeSpan.FromSeconds(1) ? $"{interval.TotalMilliseconds:0} ms" : string.Create(CultureInfo.InvariantCulture, $"{interval.TotalSeconds:0.#} s");

    public static string Percent(double? fraction) =>
        fraction is { } f ? string.Create(CultureInfo.InvariantCulture, $"{f * 100:0.#}%") : "—";

    public static string Money(decimal amount) => string.Create(CultureInfo.InvariantCulture, $"${amount:0.0000}");

    public static string Number(long n) => n.ToString("#,0", CultureInfo.InvariantCulture);

    public static string ShortSha(string? sha) => sha is { Length: > 12 } ? sha[..12] : sha ?? "";
}
