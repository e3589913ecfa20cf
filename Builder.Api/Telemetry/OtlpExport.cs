using Builder.Core.Domain;

namespace Builder.Api.Telemetry;

/// <summary>
/// What one resource (one process of the service, named by its resource attributes) sent in an export:
/// the version it says it is (service.version), when its oldest item was recorded, how many items it
/// sent and how many of them failed, the durations of its server spans, and the grouped signals.
/// </summary>
public sealed record OtlpResource(
    string? ServiceVersion, DateTime? Earliest, int Items, int Failures, IReadOnlyList<double> DurationsMs, List<TelemetrySignal> Signals);

/// <summary>One export read: its resources, and how many items were refused (beyond the limit, or without a usable value) and why.</summary>
public sealed record OtlpExport(IReadOnlyList<OtlpResource> Resources, int Rejected, string? RejectionReason)
{
    public bool IsEmpty => Resources.All(r => r.Items == 0);
}

/// <summary>Counts what an export refuses, keeping the first reason to tell the sender.</summary>
sealed class Rejections
{
    public int Count { get; private set; }
    public string? Reason { get; private set; }

    public void Add(string reason, int count = 1)
    {
        Count += count;
        Reason ??= reason;
    }
}
