namespace Builder.Web.Services;

/// <summary><c>GET /api/status</c>: the fields the System page shows.</summary>
public sealed record SystemStatus(
    string Status, DateTimeOffset CheckedAt, string Topology, IReadOnlyList<ComponentHealth> Components, RunCounts Runs, int QueueDepth,
    IReadOnlyList<WorkerSeen> Workers, IReadOnlyList<HourlyRuns> Throughput, IReadOnlyList<PhasePercentiles> PhaseDurations);

public sealed record ComponentHealth(string Kind, string Name, string Status, string? Description, double DurationMs);

public sealed record WorkerSeen(string Producer, string Application, DateTimeOffset? LastSeenAt, int RecentEvents);

public sealed record RunCounts(int Running, int AwaitingApproval, int Completed24h, int Failed24h, double? SuccessRate24h);

public sealed record HourlyRuns(DateTimeOffset Hour, int Completed, int Failed)
{
    public int Total => Completed + Failed;
}

public sealed record PhasePercentiles(string Phase, int Samples, long P50Ms, long P90Ms, long P99Ms);
