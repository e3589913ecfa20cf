namespace Builder.Worker.Deployment;

/// <summary>How a repository's service is published, started, reached and judged: its builder.yaml, validated.</summary>
public sealed record DeployManifest
{
    public const string FileName = "builder.yaml";

    public required string Service { get; init; }
    public required string Runtime { get; init; }

    /// <summary>Run in the release folder before the first start; null when there is nothing to publish.</summary>
    public string? Publish { get; init; }

    public required string Start { get; init; }

    /// <summary>Null when the service listens on the port Builder gives it in $PORT.</summary>
    public int? Port { get; init; }

    public HealthSettings Health { get; init; } = new();
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    public ResourceSettings Resources { get; init; } = new();
    public string Target { get; init; } = "local";
    public HealthPolicy Policy { get; init; } = new();

    /// <summary>Hosts the running service asks to reach; it gets those an administrator also allows, and nothing else.</summary>
    public IReadOnlyList<string> Egress { get; init; } = [];

    public TelemetrySettings Telemetry { get; init; } = new();
}

/// <summary>What Builder reads of the live service besides its health path: paths to probe, and its Prometheus metrics.</summary>
public sealed record TelemetrySettings
{
    public const int MaxEndpoints = 20;

    /// <summary>GET paths probed every collection round; a 5xx or no answer counts as a failure.</summary>
    public IReadOnlyList<string> Endpoints { get; init; } = [];

    public string? MetricsPath { get; init; }
}

public sealed record HealthSettings
{
    public string Path { get; init; } = "/health";
    public int ExpectedStatus { get; init; } = 200;
    public TimeSpan ReadinessTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The service endpoints of Builder's own contract the service declares; HealthCheck checks each before traffic moves.</summary>
    public IReadOnlyList<string> Contract { get; init; } = [];

    public static readonly IReadOnlyList<string> ContractEndpoints = ["health", "capabilities", "state", "dependencies", "message"];
}

public sealed record ResourceSettings
{
    public long MemoryBytes { get; init; } = 512L * 1024 * 1024;
    public int MaxProcesses { get; init; } = 128;
}

/// <summary>When a new version counts as healthy; the defaults are Flagger's.</summary>
public sealed record HealthPolicy
{
    /// <summary>The share of probes that must succeed, in percent.</summary>
    public double SuccessRate { get; init; } = 99;

    public TimeSpan MaxP99 { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the previous version stays warm after the switch, so a rollback is instant.</summary>
    public TimeSpan KeepPrevious { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How much worse than the previous version (probed side by side during the window) the new one
    /// may be on error rate or median latency, in percent; 0 turns the comparison off.
    /// </summary>
    public double MaxDegradation { get; init; } = 10;
}

/// <summary>builder.yaml could not be used; every message names its line.</summary>
public sealed class DeployManifestException(IReadOnlyList<string> errors)
    : Exception($"{DeployManifest.FileName} is not valid:\n" + string.Join('\n', errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
