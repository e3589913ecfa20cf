using Builder.Core.Domain;
using Builder.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.FeatureManagement;

namespace Builder.Core.Flags;

/// <summary>A flag's value for a tenant and where it comes from: "tenant", "configuration" or "default".</summary>
public sealed record FlagValue(string Name, string Description, bool Enabled, string Source, string? UpdatedBy, DateTime? UpdatedAt);

/// <summary>
/// Reads flags for a tenant: the tenant's own setting when it has one, else the configured value
/// (Microsoft.FeatureManagement), else the flag's default.
/// </summary>
public sealed class TenantFlags(IDbContextFactory<BuilderDbContext> dbFactory, IFeatureManager features, IFeatureDefinitionProvider definitions)
{
    public async Task<bool> IsEnabledAsync(Guid tenantId, string flag, CancellationToken cancellationToken = default) =>
        (await GetAsync(tenantId, BuilderFlags.Find(flag) ?? throw new ArgumentException($"No flag named {flag}.", nameof(flag)), cancellationToken)).Enabled;

    public async Task<IReadOnlyList<FlagValue>> ListAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var own = await db.TenantFlags.AsNoTracking().Where(f => f.TenantId == tenantId).ToDictionaryAsync(f => f.Name, cancellationToken);
        var values = new List<FlagValue>();
        foreach (var flag in BuilderFlags.All)
            values.Add(await ValueAsync(flag, own.GetValueOrDefault(flag.Name)));
        return values;
    }

    public async Task<FlagValue> SetAsync(Guid tenantId, FlagDefinition flag, bool enabled, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.TenantFlags.FirstOrDefaultAsync(f => f.TenantId == tenantId && f.Name == flag.Name, cancellationToken);
        if (row is null)
            db.TenantFlags.Add(row = new TenantFlag { TenantId = tenantId, Name = flag.Name, UpdatedBy = actor });
        row.Enabled = enabled;
        row.UpdatedBy = actor;
        row.UpdatedAt = DateTime.UtcNow;
        await db.SaveChangesAsync(cancellationToken);
        return new FlagValue(flag.Name, flag.Description, enabled, "tenant", actor, row.UpdatedAt);
    }

    async Task<FlagValue> GetAsync(Guid tenantId, FlagDefinition flag, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await ValueAsync(flag, await db.TenantFlags.AsNoTracking().FirstOrDefaultAsync(f => f.TenantId == tenantId && f.Name == flag.Name, cancellationToken));
    }

    /// <summary>The tenant's own setting when it has one, else the configured value, else the default.</summary>
    async Task<FlagValue> ValueAsync(FlagDefinition flag, TenantFlag? own)
    {
        if (own is not null)
            return new FlagValue(flag.Name, flag.Description, own.Enabled, "tenant", own.UpdatedBy, own.UpdatedAt);
        if (await definitions.GetFeatureDefinitionAsync(flag.Name) is not null)
            return new FlagValue(flag.Name, flag.Description, await features.IsEnabledAsync(flag.Name), "configuration", null, null);
        return new FlagValue(flag.Name, flag.Description, flag.Default, "default", null, null);
    }
}
