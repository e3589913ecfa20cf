using Builder.Core.Domain;
using Builder.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Improvements;

/// <summary>Something about the improvement cycle that needs a person: what, the figure, and the threshold it crossed.</summary>
public sealed record ImprovementAlarm(string Name, string Message, double? Value, double? Threshold);

/// <summary>
/// The seed's alarms, read from what is stored rather than kept in memory: over the last 30 days,
/// improvement runs' success rate below 70 % and rollback rate above 20 % (once 3 have ended); a
/// telemetry source whose breaker is open now; a cycle that ran (or has been running) longer than 5 minutes in the last day.
/// </summary>
public static class ImprovementAlarms
{
    public const double MinSuccessRate = 70;
    public const double MaxRollbackRate = 20;
    public static readonly TimeSpan MaxCycleDuration = TimeSpan.FromMinutes(5);

    public static async Task<IReadOnlyList<ImprovementAlarm>> ReadAsync(BuilderDbContext db, Guid tenantId, DateTime now, CancellationToken cancellationToken)
    {
        var alarms = new List<ImprovementAlarm>();
        var month = now.AddDays(-30);
        var outcomes = await db.ImprovementOpportunities.AsNoTracking()
            .Where(o => o.TenantId == tenantId && o.Outcome != null && o.EndedAt > month).Select(o => o.Outcome!).ToListAsync(cancellationToken);
        if (outcomes.Count >= 3)
        {
            var success = 100.0 * outcomes.Count(o => o == ImprovementOutcomes.Deployed) / outcomes.Count;
            var rollback = 100.0 * outcomes.Count(o => o == ImprovementOutcomes.RolledBack) / outcomes.Count;
            if (success < MinSuccessRate)
                alarms.Add(new("improvement_success_rate", $"{success:0.#} % of the last {outcomes.Count} improvement runs deployed (below {MinSuccessRate} %).", Math.Round(success, 1), MinSuccessRate));
            if (rollback > MaxRollbackRate)
                alarms.Add(new("improvement_rollback_rate", $"{rollback:0.#} % of the last {outcomes.Count} improvement runs were rolled back (above {MaxRollbackRate} %).", Math.Round(rollback, 1), MaxRollbackRate));
        }

        var recent = now.AddMinutes(-10);
        var latest = (await db.TelemetrySamples.AsNoTracking()
                .Where(s => s.TenantId == tenantId && s.To > recent && s.Source != TelemetrySources.Probe)
                .ToListAsync(cancellationToken))
            .GroupBy(s => (s.ServiceId, s.Source)).Select(g => g.MaxBy(s => s.To)!);
        var names = await db.Services.AsNoTracking().Where(s => s.TenantId == tenantId).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        foreach (var open in latest.Where(s => s.Error?.Contains("breaker is open", StringComparison.Ordinal) == true))
            alarms.Add(new("telemetry_breaker_open", $"The {open.Source} source of {names.GetValueOrDefault(open.ServiceId, "a removed service")} is skipped: {open.Error}", null, null));

        var day = now.AddDays(-1);
        foreach (var cycle in await db.ImprovementCycles.AsNoTracking().Where(c => c.TenantId == tenantId && c.StartedAt > day).ToListAsync(cancellationToken))
        {
            var duration = (cycle.EndedAt ?? now) - cycle.StartedAt;
            if (duration > MaxCycleDuration)
                alarms.Add(new("cycle_duration", $"Cycle {cycle.Id} {(cycle.EndedAt is null ? "has been running" : "ran")} for {duration.TotalMinutes:0.#} minutes (more than {MaxCycleDuration.TotalMinutes:0}).",
                    Math.Round(duration.TotalSeconds), MaxCycleDuration.TotalSeconds));
        }

        return alarms;
    }
}
