namespace Builder.Core.Events;

/// <summary>
/// One entry of the append-only feature event store. <see cref="Sequence"/> is per feature, starts
/// at 1 and has no gaps; <see cref="Key"/> makes an append idempotent (a redelivered message that
/// records the same fact again finds its key and appends nothing).
/// </summary>
public sealed class FeatureEvent
{
    public long Id { get; set; }
    public Guid FeatureId { get; set; }
    public Guid TenantId { get; set; }
    public long Sequence { get; set; }
    public required string Type { get; set; }
    public required string Key { get; set; }
    public string? Phase { get; set; }
    public required string Payload { get; set; }
    public Guid? CausationId { get; set; }
    public Guid? CorrelationId { get; set; }
    public required string Producer { get; set; }
    public DateTime Timestamp { get; set; }
}
