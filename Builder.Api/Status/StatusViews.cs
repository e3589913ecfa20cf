namespace Builder.Api.Status;

/// <summary>How Builder is doing right now: its components, the caller's runs by state, the queue and the processes doing the work.</summary>
public sealed record SystemStatus(
    string Status, DateTime CheckedAt, IReadOnlyList<ComponentHealth> Components, RunCounts Runs, int QueueDepth, IReadOnlyList<WorkerView> Workers);

/// <summary>One health check of this Api process (database, cache, message bus, ...).</summary>
public sealed record ComponentHealth(string Name, string Status, string? Description, double DurationMs);

/// <summary>
/// The tenant's runs by state. Queued: a phase was handed to the workers but none has started it yet;
/// Running: a phase is executing; Requested: submitted, the pipeline has not picked it up yet.
/// </summary>
public sealed record RunCounts(
    int Requested, int Queued, int Running, int AwaitingApproval, int Completed, int Failed, int Cancelled, int Rejected, int RolledBack, int Total);

/// <summary>A process that appended run events recently: a worker, or an Api hosting the embedded worker and the saga.</summary>
public sealed record WorkerView(string Producer, string Application, string Host, int? ProcessId, DateTime LastSeenAt);

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
