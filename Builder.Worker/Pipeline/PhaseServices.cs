using Builder.Core;
using Builder.Core.Artifacts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Core.Persistence;
using Builder.Core.StateMachines;
using Builder.Worker.Execution;
using Builder.Worker.Workspaces;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Builder.Worker.Pipeline;

/// <summary>The services every phase uses, in one place so phase consumers stay small.</summary>
public sealed class PhaseServices(
    IDbContextFactory<BuilderDbContext> dbFactory,
    FeatureEventLog events,
    ArtifactStore artifacts,
    RunningWork runningWork,
    WorkspaceManager workspaces,
    Git git,
    CommandRunner runner,
    IOptions<BuilderOptions> options,
    ILogger<PhaseServices> logger)
{
    public FeatureEventLog Events => events;
    public ArtifactStore Artifacts => artifacts;
    public RunningWork RunningWork => runningWork;
    public WorkspaceManager Workspaces => workspaces;
    public CommandRunner Runner => runner;
    public Git Git => git;
    public BuilderOptions Options => options.Value;
    public ILogger Logger => logger;

    public async Task<(Feature Feature, Repository Repository, FeatureState State)?> LoadAsync(Guid featureId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var feature = await db.Features.AsNoTracking().FirstOrDefaultAsync(f => f.Id == featureId, cancellationToken);
        var state = await db.FeatureStates.AsNoTracking().FirstOrDefaultAsync(s => s.CorrelationId == featureId, cancellationToken);
        if (feature is null || state is null)
            return null;
        var repository = await db.Repositories.AsNoTracking().FirstAsync(r => r.Id == feature.RepositoryId, cancellationToken);
        return (feature, repository, state);
    }
}
