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
}
