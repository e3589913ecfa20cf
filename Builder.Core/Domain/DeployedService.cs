namespace Builder.Core.Domain;

/// <summary>A service Builder deploys, named by its builder.yaml, reached at one stable address whichever version is live.</summary>
public sealed class DeployedService
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenantId { get; set; }
    public Guid RepositoryId { get; set; }

    /// <summary>Unique across tenants: the stable address routes by it.</summary>
    public required string Name { get; set; }

    public required string Target { get; set; }
    public required string StableUrl { get; set; }
    public Guid? LiveVersionId { get; set; }

    /// <summary>The worker collecting the service's telemetry, until when: one collector per service however many workers run.</summary>
    public string? TelemetryCollector { get; set; }

    public DateTime? TelemetryLeaseUntil { get; set; }

    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    public DateTime UpdatedAt { get; set; } = DateTime.UtcNow;
}

/// <summary>One release of a service: what was deployed from which run, where it runs, and how it ended.</summary>
public sealed class ServiceVersion
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid ServiceId { get; set; }
    public Guid TenantId { get; set; }

    /// <summary>1, 2, 3... per service.</summary>
    public int Number { get; set; }

    public Guid FeatureId { get; set; }
    public int Attempt { get; set; }
    public required string CommitSha { get; set; }
    public required string ReleaseFolder { get; set; }

    /// <summary>The version's own address, beside the stable one.</summary>
    public string? Url { get; set; }

    /// <summary>The paths its builder.yaml asks Builder to probe for telemetry, beside the health path.</summary>
    public List<string> TelemetryEndpoints { get; set; } = [];

    /// <summary>Where it exposes Prometheus metrics, when it does.</summary>
    public string? MetricsPath { get; set; }

    public ServiceVersionState State { get; set; } = ServiceVersionState.Starting;

    /// <summary>Why it is failed, rolled back or stopped.</summary>
    public string? Reason { get; set; }

    public required string DeployedBy { get; set; }
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    public DateTime? LiveAt { get; set; }
    public DateTime? EndedAt { get; set; }
}

public enum ServiceVersionState
{
    Starting,
    Live,
    Standby,
    Stopped,
    Failed,
    RolledBack,
}
