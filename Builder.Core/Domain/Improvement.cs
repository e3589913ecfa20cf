namespace Builder.Core.Domain;

/// <summary>
/// One improvement cycle: the telemetry of a tenant's services read over a window, the opportunities
/// found in it, and the runs started for the best of them. It ends when every run it started has ended.
/// </summary>
public sealed class ImprovementCycle
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenantId { get; set; }

    /// <summary>"api", "mcp" or "schedule".</summary>
    public required string Trigger { get; set; }

    public required string TriggeredBy { get; set; }
    public Guid? TriggeredByKeyId { get; set; }
    public double AnalysisWindowHours { get; set; }
    public int MaxImprovements { get; set; }

    /// <summary>The services asked for; empty means all of the tenant's.</summary>
    public List<string> Services { get; set; } = [];

    public ImprovementCycleState State { get; set; } = ImprovementCycleState.Analysing;

    /// <summary>What the cycle could not use or did not do, in words: a skipped telemetry source, a limit reached.</summary>
    public List<string> Notes { get; set; } = [];

    public double ImpactTotal { get; set; }
    public DateTime StartedAt { get; set; } = DateTime.UtcNow;
    public DateTime? EndedAt { get; set; }
}

public enum ImprovementCycleState
{
    Analysing,
    Running,
    Completed,
    Failed,
}

/// <summary>Something worth improving in a service, with its evidence, and what the cycle did about it.</summary>
public sealed class ImprovementOpportunity
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid CycleId { get; set; }
    public Guid TenantId { get; set; }
    public Guid ServiceId { get; set; }
    public required string Service { get; set; }

    /// <summary>One of <see cref="OpportunityKinds"/>.</summary>
    public required string Kind { get; set; }

    public string? Endpoint { get; set; }

    /// <summary>Service, kind and endpoint (or exception type): two cycles finding the same thing find the same key.</summary>
    public required string Key { get; set; }

    public required string Summary { get; set; }

    /// <summary>Figures and excerpts as JSON.</summary>
    public required string Evidence { get; set; }

    public double Impact { get; set; }
    public OpportunityDecision Decision { get; set; }
    public Guid? FeatureId { get; set; }

    /// <summary>How the run ended ("deployed", "rolled-back", "failed", ...); null while it runs or when none was started.</summary>
    public string? Outcome { get; set; }

    public DateTime? EndedAt { get; set; }
}

public enum OpportunityDecision
{
    /// <summary>A run was started for it.</summary>
    Started,

    /// <summary>An improvement run for the same thing is still open.</summary>
    Duplicate,

    /// <summary>Beyond the cycle's max improvements or the tenant's concurrent improvements.</summary>
    OverLimit,

    /// <summary>A run could not be started (the repository refused it); the reason is in the cycle's notes.</summary>
    NotStarted,
}

public static class OpportunityKinds
{
    public const string FailingEndpoint = "failing-endpoint";
    public const string LatencyRegression = "latency-regression";
    public const string CrashLoop = "crash-loop";
    public const string RecurringException = "recurring-exception";
}

/// <summary>A tenant's own setting of one feature flag, overriding the configured default.</summary>
public sealed class TenantFlag
{
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    public bool Enabled { get; set; }
    public required string UpdatedBy { get; set; }
    public DateTime UpdatedAt { get; set; } = DateTime.UtcNow;
}
