namespace Builder.Core.Domain;

/// <summary>
/// What one telemetry source said about one version of a deployed service over a stretch of time:
/// probes of an endpoint (requests, failures, latency, statuses), the service's own output (error
/// lines, exception types, restarts), or the metrics it exposes. A source that could not be read
/// leaves a sample with its error, so an analysis knows what it is missing.
/// </summary>
public sealed class TelemetrySample
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenantId { get; set; }
    public Guid ServiceId { get; set; }
    public Guid VersionId { get; set; }

    /// <summary>One of <see cref="TelemetrySources"/>.</summary>
    public required string Source { get; set; }

    /// <summary>The probed path for probes; the OTLP path ("/v1/metrics", "/v1/logs", "/v1/traces") for what the service sent; null for logs and metrics.</summary>
    public string? Endpoint { get; set; }

    public DateTime From { get; set; }
    public DateTime To { get; set; }
    public int Requests { get; set; }
    public int Failures { get; set; }
    public double P50Ms { get; set; }
    public double P95Ms { get; set; }
    public double P99Ms { get; set; }

    /// <summary>Answers per status code ("200", "500", or "none" for no answer).</summary>
    public Dictionary<string, int> Statuses { get; set; } = [];

    public List<TelemetrySignal> Signals { get; set; } = [];

    /// <summary>Why the source gave nothing this time (it failed, or its breaker is open).</summary>
    public string? Error { get; set; }
}

/// <summary>
/// A grouped observation: an exception type or error line with how often it appeared and one example,
/// a restart count, or a metric's value.
/// </summary>
public sealed record TelemetrySignal(string Kind, string Key, double Value, string? Example = null)
{
    public const string Exception = "exception";
    public const string ErrorLine = "error";
    public const string Restart = "restart";
    public const string Metric = "metric";
}

public static class TelemetrySources
{
    public const string Probe = "probe";
    public const string Logs = "logs";
    public const string Metrics = "metrics";

    /// <summary>What the service sent Builder itself over OTLP/HTTP (JSON): its metrics, its error log records, its failed spans.</summary>
    public const string Otlp = "otlp";
}
