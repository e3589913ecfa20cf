using System.Text.Json;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Status;

/// <summary>The figures of the status beyond counts: runs ended per hour over the last day and phase durations.</summary>
public static class RunFigures
{
    static readonly TimeSpan Day = TimeSpan.FromHours(24);
    const int MaxDurationSamples = 5000;

    public static readonly TimeSpan PercentileWindow = TimeSpan.FromDays(7);

    public static async Task<(IReadOnlyList<HourlyRuns> Hours, int Completed, int Failed)> LastDayAsync(
        BuilderDbContext db, Guid tenantId, DateTime now, CancellationToken cancellationToken)
    {
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
        return (throughput, completedDay, ended.Count - completedDay);
    }

    public static async Task<IReadOnlyList<PhasePercentiles>> PhasePercentilesAsync(BuilderDbContext db, Guid tenantId, DateTime since, CancellationToken cancellationToken)
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
