namespace Builder.Api.Status;

/// <summary>
/// How Builder is doing right now: its components, the caller's runs by state, the queue, the processes
/// doing the work, runs ended per hour over the last day and phase durations over the last week.
/// </summary>
/// <param name="Status">The Api's own readiness: Healthy, Degraded or Unhealthy.</param>
/// <param name="Topology">embedded (one process, SQLite, in-memory transport) or distributed.</param>
/// <param name="QueueDepth">Runs waiting for the pipeline or for a worker (Requested + Queued).</param>
public sealed record SystemStatus(
    string Status, DateTime CheckedAt, string Topology, IReadOnlyList<ComponentHealth> Components, RunCounts Runs, int QueueDepth,
    IReadOnlyList<WorkerView> Workers, IReadOnlyList<HourlyRuns> Throughput, IReadOnlyList<PhasePercentiles> PhaseDurations);

/// <summary>One health check of this Api process; Kind is database, broker, cache or other.</summary>
public sealed record ComponentHealth(string Kind, string Name, string Status, string? Description, double DurationMs);

/// <summary>
/// The tenant's runs by state. Queued: a phase was handed to the workers but none has started it yet;
/// Running: a phase is executing; Requested: submitted, the pipeline has not picked it up yet.
/// Completed24h/Failed24h/SuccessRate24h: runs that ended in the last 24 hours (rate 0 to 1, null when none ended).
/// </summary>
public sealed record RunCounts(
    int Requested, int Queued, int Running, int AwaitingApproval, int Completed, int Failed, int Cancelled, int Rejected, int RolledBack, int Total,
    int Completed24h, int Failed24h, double? SuccessRate24h);

/// <summary>A process that appended run events recently: a worker, or an Api hosting the embedded worker and the saga.</summary>
/// <param name="LastSeenAt">When it last appended an event; null for an embedded Api that has not worked yet.</param>
public sealed record WorkerView(string Producer, string Application, string Host, int? ProcessId, DateTime? LastSeenAt, int RecentEvents);

public sealed record HourlyRuns(DateTime Hour, int Completed, int Failed);

public sealed record PhasePercentiles(string Phase, int Samples, long P50Ms, long P90Ms, long P99Ms);

/// <summary>What the runs of a time window say: outcomes, phase timings, why runs failed and what the model calls cost.</summary>
public sealed record TelemetryInsights(
    double TimeRangeHours, DateTime From, DateTime To, RunOutcomes Outcomes, double? SuccessRate,
    IReadOnlyList<PhaseDurations> PhaseDurations, IReadOnlyList<FailureReason> TopFailureReasons, LlmUsage Llm);

/// <summary>Runs submitted in the window, and runs that ended in it by how they ended.</summary>
public sealed record RunOutcomes(int Submitted, int Completed, int Failed, int RolledBack, int Cancelled, int Rejected);

/// <summary>Durations of the phase executions that ended in the window (completed or failed), nearest-rank percentiles.</summary>
public sealed record PhaseDurations(string Phase, int Count, int Failed, long P50Ms, long P95Ms, long MaxMs);

public sealed record FailureReason(string ErrorCode, string? Phase, int Count, string Example, Guid LastFeatureId, DateTime LastSeenAt);

public sealed record LlmUsage(int Calls, long InputTokens, long OutputTokens, long TotalTokens, decimal Cost, IReadOnlyList<ModelUsage> ByModel);

public sealed record ModelUsage(string Model, int Calls, long InputTokens, long OutputTokens, decimal Cost);
