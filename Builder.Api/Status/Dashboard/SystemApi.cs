using System.Text.Json;
using Builder.Api.Auth;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Core.Messaging;
using Builder.Core.Persistence;
using Builder.Core.StateMachines;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Builder.Api.Status.Dashboard;

/// <summary>How the platform is doing: its dependencies' health, the queue, and the last day's runs in numbers.</summary>
public static class SystemApi
{
    static readonly TimeSpan Day = TimeSpan.FromHours(24);
    static readonly TimeSpan WorkerWindow = TimeSpan.FromMinutes(15);
    static readonly TimeSpan PercentileWindow = TimeSpan.FromDays(7);
    const int MaxDurationSamples = 5000;

    public static RouteHandlerBuilder MapSystemApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/system/status", GetStatus).RequireAuthorization(ApiScopes.FeaturesRead).WithTags("System")
            .WithSummary("Health of the database, broker and cache; runs queued and in flight; throughput, success rate and phase durations.");

    public static async Task<Ok<SystemStatus>> GetStatus(
        HttpContext http, BuilderDbContext db, HealthCheckService health, IConfiguration configuration, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var now = clock.GetUtcNow().UtcDateTime;
        var embedded = configuration.GetValue<bool?>("Builder:Api:HostWorker") ?? !configuration.HasBroker();

        var report = await health.CheckHealthAsync(r => !r.Tags.Contains("live"), cancellationToken);
        var components = new List<ComponentHealth>();
        foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            components.Add(new ComponentHealth(Kind(name), name, entry.Status.ToString(), entry.Description ?? entry.Exception?.Message,
                Math.Round(entry.Duration.TotalMilliseconds, 1)));
        if (!components.Any(c => c.Kind == "cache"))
            components.Add(new ComponentHealth("cache", "cache", "Healthy", "In-process memory cache (no Redis configured).", 0));
        if (!components.Any(c => c.Kind == "broker"))
            components.Add(new ComponentHealth("broker", "broker", embedded ? "Healthy" : "Unknown",
                embedded ? "In-memory transport inside the API process." : "No bus health check is registered.", 0));

        var states = await (
                from f in db.Features.AsNoTracking()
                join s in db.FeatureStates.AsNoTracking() on f.Id equals s.CorrelationId into joined
                from s in joined.DefaultIfEmpty()
                where f.TenantId == tenantId
                group f by s == null ? "Initial" : s.CurrentState into g
                select new { State = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        int StatusCount(string status) => states.Where(s => FeatureStatus.Of(s.State) == status).Sum(s => s.Count);

        var since = now - Day;
        var ended = await db.FeatureStates.AsNoTracking()
            .Where(s => s.TenantId == tenantId && s.UpdatedAt >= since && (s.CurrentState == "Completed" || s.CurrentState == "Failed"))
            .Select(s => new { s.CurrentState, s.UpdatedAt }).ToListAsync(cancellationToken);
        var hours = Enumerable.Range(0, 24).Select(i => TruncateToHour(now).AddHours(i - 23)).ToList();
        var throughput = hours.Select(start =>
        {
            var inHour = ended.Where(e => e.UpdatedAt >= start && e.UpdatedAt < start.AddHours(1)).ToList();
            var completed = inHour.Count(e => e.CurrentState == "Completed");
            return new HourlyRuns(DateTime.SpecifyKind(start, DateTimeKind.Utc), completed, inHour.Count - completed);
        }).ToList();
        var completedDay = ended.Count(e => e.CurrentState == "Completed");
        var failedDay = ended.Count - completedDay;

        var workers = await Workers(db, tenantId, now, embedded, cancellationToken);
        var percentiles = await PhasePercentiles(db, tenantId, now - PercentileWindow, cancellationToken);

        return TypedResults.Ok(new SystemStatus(
            now, embedded ? "embedded" : "distributed", report.Status.ToString(), components, workers,
            new RunCounts(StatusCount(FeatureStatus.Requested), StatusCount(FeatureStatus.Running), StatusCount(FeatureStatus.AwaitingApproval),
                completedDay, failedDay, completedDay + failedDay == 0 ? null : Math.Round((double)completedDay / (completedDay + failedDay), 4)),
            throughput, percentiles));
    }

    /// <summary>Dependencies by what they are, whatever name their health check registered under.</summary>
    static string Kind(string check) => check.ToLowerInvariant() switch
    {
        var n when n.Contains("database") || n.Contains("postgres") || n.Contains("sqlite") || n.Contains("db") => "database",
        var n when n.Contains("masstransit") || n.Contains("bus") || n.Contains("rabbit") => "broker",
        var n when n.Contains("cache") || n.Contains("redis") => "cache",
        _ => "other",
    };

    /// <summary>
    /// Worker processes announce nothing of their own, but every event they record names its
    /// producer: the processes that recorded a phase event lately are the workers that are alive.
    /// </summary>
    static async Task<IReadOnlyList<WorkerSeen>> Workers(BuilderDbContext db, Guid tenantId, DateTime now, bool embedded, CancellationToken cancellationToken)
    {
        var since = now - WorkerWindow;
        string[] phaseTypes = [EventTypes.PhaseStarted, EventTypes.PhaseCompleted, EventTypes.PhaseFailed, EventTypes.PhaseSkipped, EventTypes.Log];
        var seen = await db.FeatureEvents.AsNoTracking()
            .Where(e => e.TenantId == tenantId && e.Timestamp >= since && phaseTypes.Contains(e.Type))
            .GroupBy(e => e.Producer)
            .Select(g => new { Producer = g.Key, LastSeen = g.Max(e => e.Timestamp), Events = g.Count() })
            .ToListAsync(cancellationToken);
        var workers = seen.OrderByDescending(w => w.LastSeen)
            .Select(w => new WorkerSeen(w.Producer, DateTime.SpecifyKind(w.LastSeen, DateTimeKind.Utc), w.Events)).ToList();
        if (embedded && workers.Count == 0)
            workers.Add(new WorkerSeen("in the API process (embedded)", null, 0));
        return workers;
    }

    static async Task<IReadOnlyList<PhasePercentiles>> PhasePercentiles(BuilderDbContext db, Guid tenantId, DateTime since, CancellationToken cancellationToken)
    {
        var rows = await db.FeatureEvents.AsNoTracking()
            .Where(e => e.TenantId == tenantId && e.Type == EventTypes.PhaseCompleted && e.Timestamp >= since)
            .OrderByDescending(e => e.Id).Take(MaxDurationSamples)
            .Select(e => new { e.Phase, e.Payload }).ToListAsync(cancellationToken);
        var durations = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (row.Phase is null || DurationMs(row.Payload) is not { } ms)
                continue;
            if (!durations.TryGetValue(row.Phase, out var list))
                durations[row.Phase] = list = [];
            list.Add(ms);
        }

        return Phases.All.Select(p => p.Name()).Where(durations.ContainsKey).Select(name =>
        {
            var sorted = durations[name].Order().ToList();
            return new PhasePercentiles(name, sorted.Count, Percentile(sorted, 0.50), Percentile(sorted, 0.90), Percentile(sorted, 0.99));
        }).ToList();
    }

    static long? DurationMs(string payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty("durationMs", out var d) && d.TryGetInt64(out var ms) ? ms : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Nearest-rank percentile of a sorted, non-empty list.</summary>
    public static long Percentile(IReadOnlyList<long> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    static DateTime TruncateToHour(DateTime t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc);
}

/// <param name="Topology">embedded (one process, SQLite, in-memory transport) or distributed.</param>
/// <param name="Health">The API's own readiness: Healthy, Degraded or Unhealthy.</param>
public sealed record SystemStatus(
    DateTime At, string Topology, string Health, IReadOnlyList<ComponentHealth> Components, IReadOnlyList<WorkerSeen> Workers,
    RunCounts Runs, IReadOnlyList<HourlyRuns> Throughput, IReadOnlyList<PhasePercentiles> PhaseDurations);

/// <param name="Kind">database, broker, cache or other.</param>
public sealed record ComponentHealth(string Kind, string Name, string Status, string? Description, double DurationMs);

/// <param name="LastSeen">When it last recorded a phase event; null when it is the API itself (embedded) and has not worked yet.</param>
public sealed record WorkerSeen(string Name, DateTime? LastSeen, int RecentEvents);

/// <param name="Queued">Submitted, not started.</param>
/// <param name="InFlight">In a phase now.</param>
/// <param name="SuccessRate24h">Completed out of completed and failed over the last 24 h (0 to 1); null when none ended.</param>
public sealed record RunCounts(int Queued, int InFlight, int AwaitingApproval, int Completed24h, int Failed24h, double? SuccessRate24h);

public sealed record HourlyRuns(DateTime Hour, int Completed, int Failed);

public sealed record PhasePercentiles(string Phase, int Samples, long P50Ms, long P90Ms, long P99Ms);
