using System.Text.Json;
using Builder.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace Builder.Core.Events;

/// <summary>
/// Appends to and reads the feature event store. Appends are idempotent by key and give each
/// feature a gap-free sequence: the next number is max+1, and a concurrent writer that took the
/// same number loses on the unique index and retries. Two round trips per append: one read, one insert.
/// </summary>
public sealed class FeatureEventLog(IDbContextFactory<BuilderDbContext> dbFactory, IHostEnvironment environment, TimeProvider clock)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    readonly string _producer = $"{environment.ApplicationName}@{Environment.MachineName}:{Environment.ProcessId}";

    public async Task<FeatureEvent> AppendAsync(
        Guid featureId, Guid tenantId, string type, string key, object? payload = null, string? phase = null,
        Guid? causationId = null, CancellationToken cancellationToken = default)
    {
        var json = JsonSerializer.Serialize(payload ?? new { }, Json);
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            // One round trip for both questions: the event of this key, if appended already, and the last one.
            var found = await db.FeatureEvents.AsNoTracking()
                .Where(e => e.FeatureId == featureId
                            && (e.Key == key || e.Sequence == db.FeatureEvents.Where(l => l.FeatureId == featureId).Max(l => l.Sequence)))
                .ToListAsync(cancellationToken);
            if (found.FirstOrDefault(e => e.Key == key) is { } existing)
                return existing;

            var last = found.Count == 0 ? 0 : found.Max(e => e.Sequence);
            var entry = new FeatureEvent
            {
                FeatureId = featureId,
                TenantId = tenantId,
                Sequence = last + 1,
                Type = type,
                Key = key,
                Phase = phase,
                Payload = json,
                CausationId = causationId,
                CorrelationId = featureId,
                Producer = _producer,
                Timestamp = clock.GetUtcNow().UtcDateTime,
            };
            db.FeatureEvents.Add(entry);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return entry;
            }
            catch (DbUpdateException) when (attempt < 50)
            {
                // Another writer took this sequence number (or this key): read again and retry.
                await Task.Delay(Random.Shared.Next(1, 5 * attempt), cancellationToken);
            }
        }
    }

    public async Task<IReadOnlyList<FeatureEvent>> ReadAsync(Guid featureId, long after = 0, int limit = 1000, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.FeatureEvents.AsNoTracking()
            .Where(e => e.FeatureId == featureId && e.Sequence > after)
            .OrderBy(e => e.Sequence)
            .Take(limit)
            .ToListAsync(cancellationToken);
    }

    public async Task<FeatureEvent?> FindAsync(Guid featureId, string key, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.FeatureEvents.AsNoTracking().FirstOrDefaultAsync(e => e.FeatureId == featureId && e.Key == key, cancellationToken);
    }
}
