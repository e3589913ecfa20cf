using System.Globalization;
using System.Text.Json.Nodes;

namespace Builder.Cli.Output;

/// <summary>
/// How ids, times and titles fit a table cell: ids short (the full id is in --json output, and a
/// prefix is accepted back), times relative and in the local zone, titles cut when space is short.
/// </summary>
public static class Cells
{
    /// <summary>Characters of an id shown in tables: enough to tell a tenant's runs apart, short enough never to wrap.</summary>
    public const int ShortIdLength = 8;

    public static string ShortId(JsonNode? id)
    {
        var text = Views.Text(id);
        return text.Length > ShortIdLength ? text[..ShortIdLength] : text;
    }

    /// <summary>"just now", "42 s ago", "3 min ago", "5 h ago", "2 days ago"; the local date beyond a week.</summary>
    public static string Relative(DateTimeOffset at, DateTimeOffset now)
    {
        var ago = now - at;
        if (ago < TimeSpan.FromSeconds(10))
            return "just now";
        if (ago < TimeSpan.FromMinutes(1))
            return $"{(int)ago.TotalSeconds} s ago";
        if (ago < TimeSpan.FromHours(1))
            return $"{(int)ago.TotalMinutes} min ago";
        if (ago < TimeSpan.FromDays(1))
            return $"{(int)ago.TotalHours} h ago";
        if (ago < TimeSpan.FromDays(7))
            return (int)ago.TotalDays == 1 ? "1 day ago" : $"{(int)ago.TotalDays} days ago";
        return Local(at).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    public static string Relative(JsonNode? at) => TryTime(at, out var time) ? Relative(time, DateTimeOffset.UtcNow) : Views.Text(at);

    /// <summary>The time in this machine's zone, with its offset: "2026-12-04 17:36:05 -05:00".</summary>
    public static string LocalTime(JsonNode? at) =>
        TryTime(at, out var time) ? Local(time).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture) : Views.Text(at);

    /// <summary>Cuts <paramref name="text"/> to <paramref name="width"/> characters with an ellipsis; null keeps it whole.</summary>
    public static string Shorten(string text, int? width) =>
        width is { } w && text.Length > w ? text[..Math.Max(1, w - 1)].TrimEnd() + "…" : text;

    static DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, TimeZoneInfo.Local);

    static bool TryTime(JsonNode? node, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(Views.Text(node), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out time);
}
