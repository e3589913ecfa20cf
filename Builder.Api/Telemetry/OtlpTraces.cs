using System.Text.Json;
using Builder.Core.Domain;
using Builder.Worker.Telemetry;
using static Builder.Api.Telemetry.OtlpJson;

namespace Builder.Api.Telemetry;

/// <summary>
/// Reads an ExportTraceServiceRequest into what a rule can judge: spans counted, those with status
/// ERROR as failures grouped by span name (with the status message as the example), the exceptions
/// recorded as span events grouped by type, and the durations of server spans for the percentiles.
/// </summary>
public static class OtlpTraces
{
    public const string Request = "ExportTraceServiceRequest";
    public const string Field = "resourceSpans";

    /// <summary>Spans read per export; the rest are refused through partialSuccess.</summary>
    public const int MaxSpans = 5000;

    const long StatusError = 2;
    const long KindServer = 2;

    public static OtlpExport Read(JsonElement body)
    {
        var root = Root(body, Request, Field);
        var rejected = new Rejections();
        var accepted = 0;
        var resources = new List<OtlpResource>();
        foreach (var (resourceSpans, path) in Items(root, Field))
        {
            var version = ServiceVersion(resourceSpans, path);
            var entries = new List<LogEntry?>();
            var durations = new List<double>();
            var (spans, failures) = (0, 0);
            DateTime? earliest = null;
            foreach (var (scope, scopePath) in Objects(resourceSpans, "scopeSpans", path))
            foreach (var (span, spanPath) in Objects(scope, "spans", scopePath))
            {
                if (accepted == MaxSpans)
                {
                    rejected.Add($"Builder reads at most {MaxSpans} spans per export; send smaller batches.");
                    continue;
                }

                accepted++;
                spans++;
                var name = Text(span, "name", spanPath) is { Length: > 0 } named ? named : "(unnamed span)";
                var (start, end) = (Time(span, "startTimeUnixNano", spanPath), Time(span, "endTimeUnixNano", spanPath));
                if (start is { } started && (earliest is null || started < earliest))
                    earliest = started;
                if (Integer(span, "kind", spanPath) == KindServer && start is { } from && end is { } to && to >= from)
                    durations.Add((to - from).TotalMilliseconds);
                if (Object(span, "status", spanPath) is { } status && Integer(status, "code", Join(spanPath, "status")) == StatusError)
                {
                    failures++;
                    var message = Text(status, "message", Join(spanPath, "status"));
                    entries.Add(new LogEntry(TelemetrySignal.ErrorLine, name, string.IsNullOrWhiteSpace(message) ? $"{name} failed" : $"{name}: {message}"));
                }

                foreach (var (spanEvent, eventPath) in Objects(span, "events", spanPath))
                    if (Text(spanEvent, "name", eventPath) == "exception" && Attributes(spanEvent, eventPath) is var attributes
                        && attributes.TryGetValue("exception.type", out var type) && !string.IsNullOrWhiteSpace(type))
                        entries.Add(LogSignals.Exception(type, attributes.TryGetValue("exception.message", out var text) ? $"{type}: {text}" : type));
            }

            resources.Add(new OtlpResource(version, earliest, spans, failures, durations, LogSignals.Count(entries)));
        }

        return new OtlpExport(resources, rejected.Count, rejected.Reason);
    }
}
