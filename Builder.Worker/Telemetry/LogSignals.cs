using System.Text.RegularExpressions;
using Builder.Core.Domain;

namespace Builder.Worker.Telemetry;

/// <summary>
/// Groups what a service wrote: exception types (TypeError, NullReferenceException, KeyError...) by
/// name, and other error lines by their text with numbers and hex ids masked, so "timeout after 31 ms"
/// and "timeout after 45 ms" count as one. Each group keeps its first line as the example.
/// </summary>
public static partial class LogSignals
{
    const int MaxGroups = 20;
    const int MaxExample = 500;

    public static List<TelemetrySignal> Group(IEnumerable<string> lines)
    {
        var groups = new Dictionary<(string Kind, string Key), (int Count, string Example)>();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0)
                continue;
            (string Kind, string Key)? group = ExceptionType().Match(line) is { Success: true } exception
                ? (TelemetrySignal.Exception, exception.Groups["type"].Value)
                : ErrorWord().IsMatch(line) ? (TelemetrySignal.ErrorLine, Mask(line)) : null;
            if (group is not { } key)
                continue;
            groups[key] = groups.TryGetValue(key, out var seen) ? (seen.Count + 1, seen.Example) : (1, line.Length > MaxExample ? line[..MaxExample] : line);
        }

        return groups.OrderByDescending(g => g.Value.Count).ThenBy(g => g.Key.Key, StringComparer.Ordinal).Take(MaxGroups)
            .Select(g => new TelemetrySignal(g.Key.Kind, g.Key.Key, g.Value.Count, g.Value.Example)).ToList();
    }

    static string Mask(string line)
    {
        var masked = Numbers().Replace(HexIds().Replace(line, "#"), "#");
        return masked.Length > 200 ? masked[..200] : masked;
    }

    [GeneratedRegex(@"\b(?<type>(?:[A-Za-z_][A-Za-z0-9_]*\.)*[A-Z][A-Za-z0-9_]*(?:Error|Exception))\b")]
    private static partial Regex ExceptionType();

    [GeneratedRegex(@"\b(error|fatal|panic|unhandled|traceback)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ErrorWord();

    [GeneratedRegex(@"\b[0-9a-f]{8,}\b", RegexOptions.IgnoreCase)]
    private static partial Regex HexIds();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Numbers();
}
