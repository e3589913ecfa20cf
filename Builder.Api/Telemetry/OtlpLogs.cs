using System.Text.Json;
using Builder.Worker.Telemetry;
using static Builder.Api.Telemetry.OtlpJson;

namespace Builder.Api.Telemetry;

/// <summary>
/// Reads an ExportLogsServiceRequest the way Builder reads a local service's output: a record with an
/// exception.type attribute is that exception (its exception.message the example), a record of
/// severity ERROR or worse is an error line (or the exception its text names), grouped by
/// <see cref="LogSignals"/>; other records are only counted.
/// </summary>
public static class OtlpLogs
{
    public const string Request = "ExportLogsServiceRequest";
    public const string Field = "resourceLogs";

    /// <summary>Log records read per export; the rest are refused through partialSuccess.</summary>
    public const int MaxRecords = 5000;

    /// <summary>SeverityNumber ERROR (17) to FATAL4 (24).</summary>
    const int ErrorSeverity = 17;

    public static OtlpExport Read(JsonElement body)
    {
        var root = Root(body, Request, Field);
        var rejected = new Rejections();
        var accepted = 0;
        var resources = new List<OtlpResource>();
        foreach (var (resourceLogs, path) in Items(root, Field))
        {
            var version = ServiceVersion(resourceLogs, path);
            var entries = new List<LogEntry?>();
            DateTime? earliest = null;
            foreach (var (scope, scopePath) in Objects(resourceLogs, "scopeLogs", path))
            foreach (var (record, recordPath) in Objects(scope, "logRecords", scopePath))
            {
                if (accepted == MaxRecords)
                {
                    rejected.Add($"Builder reads at most {MaxRecords} log records per export; send smaller batches.");
                    continue;
                }

                accepted++;
                entries.Add(Entry(record, recordPath));
                if ((Time(record, "timeUnixNano", recordPath) ?? Time(record, "observedTimeUnixNano", recordPath)) is { } time && (earliest is null || time < earliest))
                    earliest = time;
            }

            resources.Add(new OtlpResource(version, earliest, entries.Count, 0, [], LogSignals.Count(entries)));
        }

        return new OtlpExport(resources, rejected.Count, rejected.Reason);
    }

    static LogEntry? Entry(JsonElement record, string path)
    {
        var attributes = Attributes(record, path);
        var body = Object(record, "body", path) is { } value ? AnyValue(value, Join(path, "body")) : null;
        if (attributes.TryGetValue("exception.type", out var type) && !string.IsNullOrWhiteSpace(type))
        {
            var message = attributes.GetValueOrDefault("exception.message") ?? body;
            return LogSignals.Exception(type, string.IsNullOrWhiteSpace(message) ? type : $"{type}: {message}");
        }

        return IsError(record, path) ? LogSignals.Error(body ?? attributes.GetValueOrDefault("exception.message") ?? "") : null;
    }

    /// <summary>ERROR or worse by its severity number, or, when a logger sets none, by its severity text.</summary>
    static bool IsError(JsonElement record, string path)
    {
        if (Integer(record, "severityNumber", path) is > 0 and var number)
            return number >= ErrorSeverity;
        var text = Text(record, "severityText", path)?.Trim().ToUpperInvariant() ?? "";
        return text.StartsWith("ERR", StringComparison.Ordinal) || text.StartsWith("FATAL", StringComparison.Ordinal)
               || text is "CRITICAL" or "CRIT" or "ALERT" or "EMERGENCY" or "PANIC";
    }
}
