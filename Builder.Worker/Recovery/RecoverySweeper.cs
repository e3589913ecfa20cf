using Builder.Core;
using Builder.Core.Contracts;
using Builder.Core.Persistence;
using Builder.Core.StateMachines;
using Builder.Worker.Workspaces;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Builder.Worker.Recovery;

/// <summary>
/// Keeps runs moving without an outbox (docs/decisions/0002): at start-up it resumes every run that
/// is in a phase (the in-memory transport lost its messages; a crashed worker lost its work), then
/// it periodically resumes runs whose last event is older than the stall lease. It also removes the
/// workspaces of runs that have ended. Phase consumers are idempotent, so a resume never repeats a
/// side effect.
/// </summary>
public sealed class RecoverySweeper(
    IServiceScopeFactory scopes,
    IDbContextFactory<BuilderDbContext> dbFactory,
    WorkspaceManager workspaces,
    IOptions<BuilderOptions> options,
    TimeProvider clock,
    ILogger<RecoverySweeper> logger) : BackgroundService
{
    static readonly string[] ActiveStates = [.. FeatureStatus.StatesOf(FeatureStatus.Running)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var startup = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ResumeAsync(startup, stoppingToken);
                startup = false;
                await RemoveEndedWorkspacesAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "The recovery sweep failed; it runs again in {Interval}", options.Value.Recovery.SweepInterval);
            }

            await Task.Delay(options.Value.Recovery.SweepInterval, clock, stoppingToken);
        }
    }

    async Task ResumeAsync(bool startup, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var cutoff = now - options.Value.Recovery.StalledAfter;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        using var scope = scopes.CreateScope();
        var publisher = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();

        // A request whose start message was lost (a crash right after submission) has no saga yet.
        var unstartedBefore = now - TimeSpan.FromSeconds(15);
        var unstarted = await db.Features.AsNoTracking()
            .Where(f => f.CreatedAt < unstartedBefore && !db.FeatureStates.Any(s => s.CorrelationId == f.Id))
            .Select(f => new FeatureRequested(f.Id, f.TenantId, f.ApprovalMode, f.RequestedBy, f.Author))
            .ToListAsync(cancellationToken);
        foreach (var request in unstarted)
            await publisher.Publish(request, cancellationToken);

        var stalled = await db.FeatureStates.AsNoTracking()
            .Where(s => ActiveStates.Contains(s.CurrentState))
            .Where(s => startup || !db.FeatureEvents.Any(e => e.FeatureId == s.CorrelationId && e.Timestamp > cutoff))
            .Select(s => s.CorrelationId)
            .ToListAsync(cancellationToken);
        if (stalled.Count == 0)
            return;

        logger.LogInformation("Resuming {Count} run(s) {Why}", stalled.Count, startup ? "at start-up" : "that stopped advancing");
        foreach (var id in stalled)
            await publisher.Publish(new ResumeFeature(id, startup ? "worker started" : "no progress within the stall lease"), cancellationToken);
    }

    async Task RemoveEndedWorkspacesAsync(CancellationToken cancellationToken)
    {
        var root = Path.Combine(options.Value.DataDirectory, "workspaces");
        if (!Directory.Exists(root))
            return;

        var ids = Directory.EnumerateDirectories(root)
            .Select(d => Path.GetFileName(d) is { Length: >= 32 } name && Guid.TryParseExact(name[..32], "N", out var id) ? id : Guid.Empty)
            .Where(id => id != Guid.Empty)
            .Distinct()
            .ToList();
        if (ids.Count == 0)
            return;

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ended = await db.FeatureStates.AsNoTracking()
            .Where(s => ids.Contains(s.CorrelationId))
            .Join(db.Features, s => s.CorrelationId, f => f.Id, (s, f) => new { s.CorrelationId, s.CurrentState, f.RepositoryId })
            .ToListAsync(cancellationToken);
        foreach (var run in ended.Where(r => FeatureStatus.IsTerminal(r.CurrentState)))
            await workspaces.RemoveAsync(run.RepositoryId, run.CorrelationId, cancellationToken);
    }
}
