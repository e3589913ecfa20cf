using System.Security.Claims;
using Builder.Api.Auth;
using Builder.Core.Domain;
using Builder.Core.Flags;
using Builder.Core.Persistence;
using Builder.Core.StateMachines;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Builder.Api.Improvements;

/// <summary>
/// Follows running cycles: records how each improvement run ended (deployed, rolled back, failed...)
/// and ends a cycle when its last run has. Each outcome is written with a conditional update, so with
/// several Api processes exactly one records it and counts it in the metrics. With the schedule on, it
/// also starts a cycle for every tenant whose SelfBuilding flag is on once per interval.
/// </summary>
public sealed class ImprovementTracker(
    IServiceScopeFactory scopes, ImprovementMetrics metrics, IOptions<ImprovementOptions> options, ILogger<ImprovementTracker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.TrackInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<BuilderDbContext>();
                await TrackAsync(db, stoppingToken);
                if (options.Value.ScheduleEnabled)
                    await ScheduleAsync(scope.ServiceProvider, db, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Tracking improvement cycles failed; the next round tries again");
            }
        }
    }

    public async Task TrackAsync(BuilderDbContext db, CancellationToken cancellationToken)
    {
        var open = await db.ImprovementOpportunities.AsNoTracking()
            .Where(o => o.Decision == OpportunityDecision.Started && o.Outcome == null)
            .Join(db.FeatureStates.AsNoTracking(), o => o.FeatureId, s => s.CorrelationId, (o, s) => new { o.Id, o.FeatureId, s.CurrentState })
            .ToListAsync(cancellationToken);
        foreach (var ended in open.Where(o => FeatureStatus.IsTerminal(o.CurrentState)))
        {
            var deployed = await db.ServiceVersions.AnyAsync(v => v.FeatureId == ended.FeatureId && v.LiveAt != null, cancellationToken);
            var outcome = ImprovementOutcomes.Of(ended.CurrentState, deployed);
            var now = DateTime.UtcNow;
            if (await db.ImprovementOpportunities.Where(o => o.Id == ended.Id && o.Outcome == null)
                    .ExecuteUpdateAsync(o => o.SetProperty(x => x.Outcome, outcome).SetProperty(x => x.EndedAt, now), cancellationToken) == 1)
                metrics.RunEnded(outcome);
        }

        var running = await db.ImprovementCycles.AsNoTracking().Where(c => c.State == ImprovementCycleState.Running).ToListAsync(cancellationToken);
        foreach (var cycle in running)
        {
            if (await db.ImprovementOpportunities.AnyAsync(o => o.CycleId == cycle.Id && o.Decision == OpportunityDecision.Started && o.Outcome == null, cancellationToken))
                continue;
            var now = DateTime.UtcNow;
            if (await db.ImprovementCycles.Where(c => c.Id == cycle.Id && c.State == ImprovementCycleState.Running)
                    .ExecuteUpdateAsync(c => c.SetProperty(x => x.State, ImprovementCycleState.Completed).SetProperty(x => x.EndedAt, now), cancellationToken) == 1)
                metrics.CycleEnded(now - cycle.StartedAt);
        }
    }

    async Task ScheduleAsync(IServiceProvider services, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var flags = services.GetRequiredService<TenantFlags>();
        var due = DateTime.UtcNow - options.Value.ScheduleInterval;
        foreach (var tenant in await db.Tenants.AsNoTracking().ToListAsync(cancellationToken))
        {
            if (await db.ImprovementCycles.AnyAsync(c => c.TenantId == tenant.Id && c.Trigger == "schedule" && c.StartedAt > due, cancellationToken)
                || !await flags.IsEnabledAsync(tenant.Id, BuilderFlags.SelfBuilding, cancellationToken))
                continue;
            var cycles = services.GetRequiredService<ImprovementCycles>();
            await cycles.StartAsync(new StartCycleRequest(options.Value.ScheduleWindowHours, options.Value.ScheduleMaxImprovements, null), Schedule(tenant),
                "schedule", cancellationToken);
        }
    }

    /// <summary>Who a scheduled cycle's runs and audit entries name: the schedule of the tenant.</summary>
    static ClaimsPrincipal Schedule(Tenant tenant) => new(new ClaimsIdentity(
    [
        new Claim(BuilderClaims.TenantId, tenant.Id.ToString()), new Claim(BuilderClaims.TenantName, tenant.Name),
        new Claim(BuilderClaims.Actor, "builder:schedule"),
    ], "schedule"));
}
