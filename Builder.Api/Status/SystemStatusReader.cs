using Builder.Core.Events;
using Builder.Core.Persistence;
using Builder.Core.StateMachines;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Builder.Api.Status;

/// <summary>Reads the system's state for GET /api/status (also served at /api/system/status for the dashboard) and the MCP tool get_system_status.</summary>
public static class SystemStatusReader
{
    /// <summary>A process that appended no event for this long is no longer listed as a worker.</summary>
    public static readonly TimeSpan WorkerWindow = TimeSpan.FromMinutes(10);

    static readonly string[] RunningStates = [.. FeatureStatus.StatesOf(FeatureStatus.Running)];
    static readonly string[] TerminalStates = [.. Builder.Core.Contracts.RunVocabulary.TerminalStatuses];

    public static async Task<SystemStatus> ReadAsync(
        Guid tenantId, BuilderDbContext db, HealthCheckService health, bool embedded, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var report = await health.CheckHealthAsync(r => !r.Tags.Contains("live"), cancellationToken);
        var components = report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => new ComponentHealth(Kind(e.Key), e.Key, e.Value.Status.ToString(), e.Value.Description ?? e.Value.Exception?.Message,
                Math.Round(e.Value.Duration.TotalMilliseconds, 1)))
            .ToList();
        if (!components.Any(c => c.Kind == "cache"))
            components.Add(new ComponentHealth("cache", "cache", "Healthy", "In-process memory cache (no Redis configured).", 0));
        if (!components.Any(c => c.Kind == "broker"))
            components.Add(new ComponentHealth("broker", "broker", embedded ? "Healthy" : "Unknown",
                embedded ? "In-memory transport inside the API process." : "No bus health check is registered.", 0));

        var (hours, completedDay, failedDay) = await RunFigures.LastDayAsync(db, tenantId, now, cancellationToken);
        var runs = await CountRunsAsync(tenantId, db, cancellationToken) with
        {
            Completed24h = completedDay,
            Failed24h = failedDay,
            SuccessRate24h = completedDay + failedDay == 0 ? null : Math.Round((double)completedDay / (completedDay + failedDay), 4),
        };
        var workers = await WorkersAsync(db, now - WorkerWindow, cancellationToken);
        if (embedded && workers.Count == 0)
            workers = [new WorkerView("in the API process (embedded)", "api", "", Environment.ProcessId, null, 0)];
        var durations = await RunFigures.PhasePercentilesAsync(db, tenantId, now - RunFigures.PercentileWindow, cancellationToken);
        return new SystemStatus(report.Status.ToString(), now, embedded ? "embedded" : "distributed", components, runs,
            runs.Requested + runs.Queued, workers, hours, durations);
    }

    /// <summary>Dependencies by what they are, whatever name their health check registered under.</summary>
    public static string Kind(string check) => check.ToLowerInvariant() switch
    {
        var n when n.Contains("database") || n.Contains("postgres") || n.Contains("sqlite") || n.Contains("db") => "database",
        var n when n.Contains("masstransit") || n.Contains("bus") || n.Contains("rabbit") => "broker",
        var n when n.Contains("cache") || n.Contains("redis") => "cache",
        _ => "other",
    };

    internal static async Task<RunCounts> CountRunsAsync(Guid tenantId, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var total = await db.Features.CountAsync(f => f.TenantId == tenantId, cancellationToken);
        var byState = await db.FeatureStates.AsNoTracking().Where(s => s.TenantId == tenantId)
            .GroupBy(s => s.CurrentState).Select(g => new { State = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.State, x => x.Count, cancellationToken);
        int Count(string status) => FeatureStatus.StatesOf(status).Sum(s => byState.GetValueOrDefault(s));

        // A running saga has handed its phase to the bus; until a worker records phase.started, the run waits in the queue.
        var running = await db.FeatureStates.AsNoTracking()
            .Where(s => s.TenantId == tenantId && RunningStates.Contains(s.CurrentState))
            .Select(s => new { s.CorrelationId, s.Phase, s.Attempt, s.PlanAttempt })
            .ToListAsync(cancellationToken);
        var ids = running.Select(r => r.CorrelationId).ToList();
        var started = (await db.FeatureEvents.AsNoTracking()
                .Where(e => ids.Contains(e.FeatureId) && e.Type == EventTypes.PhaseStarted)
                .Select(e => new { e.FeatureId, e.Key })
                .ToListAsync(cancellationToken))
            .Select(e => (e.FeatureId, e.Key)).ToHashSet();
        var queued = running.Count(r => !started.Contains((r.CorrelationId, $"{r.Phase}:{(r.Phase == "plan" ? r.PlanAttempt : r.Attempt)}:started")));

        var requested = total - byState.Where(s => s.Key != "Initial").Sum(s => s.Value);
        return new RunCounts(requested, queued, running.Count - queued, Count(FeatureStatus.AwaitingApproval), Count(FeatureStatus.Completed),
            Count(FeatureStatus.Failed), Count(FeatureStatus.Cancelled), Count(FeatureStatus.Rejected), Count(FeatureStatus.RolledBack), total,
            0, 0, null);
    }

    /// <summary>
    /// The processes that appended events since <paramref name="since"/>, across tenants: workers are shared.
    /// Only runs that are still going or changed in the window can have such events, which keeps the scan to their rows.
    /// </summary>
    static async Task<IReadOnlyList<WorkerView>> WorkersAsync(BuilderDbContext db, DateTime since, CancellationToken cancellationToken)
    {
        var active = await db.FeatureStates.AsNoTracking()
            .Where(s => s.UpdatedAt >= since || !TerminalStates.Contains(s.CurrentState))
            .Select(s => s.CorrelationId).ToListAsync(cancellationToken);
        var producers = await db.FeatureEvents.AsNoTracking()
            .Where(e => active.Contains(e.FeatureId) && e.Timestamp >= since)
            .GroupBy(e => e.Producer).Select(g => new { Producer = g.Key, LastSeenAt = g.Max(e => e.Timestamp), Events = g.Count() })
            .ToListAsync(cancellationToken);
        return producers.OrderBy(p => p.Producer).Select(p => Parse(p.Producer, DateTime.SpecifyKind(p.LastSeenAt, DateTimeKind.Utc), p.Events)).ToList();
    }

    /// <summary>Producers are written as "application@host:pid" by the event log.</summary>
    static WorkerView Parse(string producer, DateTime lastSeenAt, int events)
    {
        var at = producer.IndexOf('@');
        var colon = producer.LastIndexOf(':');
        if (at <= 0 || colon <= at)
            return new WorkerView(producer, producer, "", null, lastSeenAt, events);
        var pid = int.TryParse(producer[(colon + 1)..], out var parsed) ? parsed : (int?)null;
        return new WorkerView(producer, producer[..at], producer[(at + 1)..colon], pid, lastSeenAt, events);
    }
}
