using System.Text.Json;

namespace Builder.Api.Telemetry;

/// <summary>One kind of OTLP export Builder accepts: its path, the request it carries, and how its refused items are named in partialSuccess.</summary>
public sealed record OtlpSignal(string Path, string Request, string RejectedField, Func<JsonElement, OtlpExport> Read)
{
    public static readonly OtlpSignal Metrics = new("/v1/metrics", OtlpMetrics.Request, "rejectedDataPoints", OtlpMetrics.Read);
    public static readonly OtlpSignal Logs = new("/v1/logs", OtlpLogs.Request, "rejectedLogRecords", OtlpLogs.Read);
    public static readonly OtlpSignal Traces = new("/v1/traces", OtlpTraces.Request, "rejectedSpans", OtlpTraces.Read);
}
