using Builder.Core.Domain;
using Builder.Core.Flags;
using Builder.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Builder.Worker.Phases.HealthCheck;

/// <summary>Whether a run is an improvement cycle's, and what the tenant's flags say about judging it.</summary>
public sealed class ImprovementRuns(IDbContextFactory<BuilderDbContext> dbFactory, TenantFlags flags)
{
    /// <summary>True when the run is an improvement and the tenant has switched ImprovementRollback off.</summary>
    public async Task<bool> RollbackOffAsync(Feature feature, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ImprovementOpportunities.AnyAsync(o => o.FeatureId == feature.Id, cancellationToken)
               && !await flags.IsEnabledAsync(feature.TenantId, BuilderFlags.ImprovementRollback, cancellationToken);
    }
}
