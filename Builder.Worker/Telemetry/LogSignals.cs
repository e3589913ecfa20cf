using System.Text.RegularExpressions;
using Builder.Core.Domain;

namespace Builder.Worker.Telemetry;

/// <summary>One observation of a service's output before grouping: its signal kind, the key it groups by, and its text as written.</summary>
public sealed record LogEntry(string Kind, string Key, string Text);

/// <summary>
/// Groups what a service wrote: exception types (TypeError, NullReferenceException, KeyError...) by
/// name, and other error lines by their text with numbers and hex ids masked, so "timeout after 31 ms"
/// and "timeout after 45 ms" count as one. Each group keeps its first line as the example. Lines read
/// from the service's output and log records it sends over OTLP are grouped the same way.
/// </summary>
public static partial class LogSignals
{
    const int MaxGroups = 20;
    const int MaxExample = 500;

    public static List<TelemetrySignal> Group(IEnumerable<string> lines) => Count(lines.Select(Classify));

    /// <summary>A line of output: an exception when it names one, an error line when it says error (or fatal, panic...), else nothing.</summary>
    public static LogEntry? Classify(string raw)
    {
        var line = raw.Trim();
        if (line.Length == 0)
            return null;
        if (ExceptionType().Match(line) is { Success: true } exception)
            return new LogEntry(TelemetrySignal.Exception, exception.Groups["type"].Value, line);
        return ErrorWord().IsMatch(line) ? ErrorLine(line) : null;
    }

    /// <summary>
    /// A record the service itself marked as an error (its severity says so): an exception when its text
    /// names one, else an error line, whatever words it uses.
    /// </summary>
    public static LogEntry? Error(string raw)
    {
        var line = raw.Trim();
        if (line.Length == 0)
            return null;
        return ExceptionType().Match(line) is { Success: true } exception
            ? new LogEntry(TelemetrySignal.Exception, exception.Groups["type"].Value, line)
            : ErrorLine(line);
    }

    /// <summary>An exception whose type the service named itself (OTLP's exception.type).</summary>
    public static LogEntry Exception(string type, string text) => new(TelemetrySignal.Exception, type.Trim(), text.Trim());

    static LogEntry ErrorLine(string line) => new(TelemetrySignal.ErrorLine, Mask(line), line);

    /// <summary>The entries counted per kind and key, the most frequent first (at most 20 groups), each with its first text as the example.</summary>
    public static List<TelemetrySignal> Count(IEnumerable<LogEntry?> entries)
    {
        var groups = new Dictionary<(string Kind, string Key), (int Count, string Example)>();
        foreach (var entry in entries)
        {
            if (entry is null)
                continue;
            var key = (entry.Kind, entry.Key);
            groups[key] = groups.TryGetValue(key, out var seen)
                ? (seen.Count + 1, seen.Example)
                : (1, entry.Text.Length > MaxExample ? entry.Text[..MaxExample] : entry.Text);
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
