namespace Builder.Core.Llm;

/// <summary>
/// One model call of a run, kept for usage totals per feature, repository and tenant. The call's
/// full request and response are an artifact; its event is <c>llm.call</c>.
/// </summary>
public sealed class LlmCall
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid FeatureId { get; set; }
    public Guid TenantId { get; set; }
    public Guid RepositoryId { get; set; }

    /// <summary>The agent step's session, e.g. "plan-1" or "generate-2".</summary>
    public required string Session { get; set; }

    public int Index { get; set; }

    /// <summary>plan, generate or validate.</summary>
    public required string Function { get; set; }

    public required string Provider { get; set; }
    public required string Model { get; set; }
    public int InputTokens { get; set; }
    public int OutputTokens { get; set; }

    /// <summary>Cost in millionths of the price currency: integers sum exactly on every database.</summary>
    public long CostMicros { get; set; }

    public long DurationMs { get; set; }
    public string? FinishReason { get; set; }

    /// <summary>Served from this feature's own recorded transcript (a resumed step repeating a request): no tokens spent.</summary>
    public bool Cached { get; set; }

    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
}

/// <summary>A feature's own token and cost limits, when a person raised (or set) them; otherwise the configured defaults apply.</summary>
public sealed class FeatureBudget
{
    public Guid FeatureId { get; set; }
    public Guid TenantId { get; set; }
    public long? MaxTokens { get; set; }
    public long? MaxCostMicros { get; set; }
    public string? UpdatedBy { get; set; }
    public DateTime UpdatedAt { get; set; } = DateTime.UtcNow;
}

public static class Money
{
    public static long ToMicros(decimal amount) => (long)Math.Round(amount * 1_000_000m, MidpointRounding.AwayFromZero);

    public static decimal FromMicros(long micros) => micros / 1_000_000m;
}
