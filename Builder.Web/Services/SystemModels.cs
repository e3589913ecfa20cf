namespace Builder.Web.Services;

/// <summary><c>GET /api/system/status</c>.</summary>
public sealed record SystemStatus(
    DateTimeOffset At, string Topology, string Health, IReadOnlyList<ComponentHealth> Components, IReadOnlyList<WorkerSeen> Workers,
    RunCounts Runs, IReadOnlyList<HourlyRuns> Throughput, IReadOnlyList<PhasePercentiles> PhaseDurations);

public sealed record ComponentHealth(string Kind, string Name, string Status, string? Description, double DurationMs);

public sealed record WorkerSeen(string Name, DateTimeOffset? LastSeen, int RecentEvents);

public sealed record RunCounts(int Queued, int InFlight, int AwaitingApproval, int Completed24h, int Failed24h, double? SuccessRate24h);

public sealed record HourlyRuns(DateTimeOffset Hour, int Completed, int Failed)
{
    public int Total => Completed + Failed;
}

public sealed record PhasePercentiles(string Phase, int Samples, long P50Ms, long P90Ms, long P99Ms);
