using Builder.Core.Contracts;
using Builder.Core.Events;
using Builder.Core.Persistence;
using Builder.Worker.Pipeline;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Builder.Worker.Agent;

/// <summary>
/// Replays a finished run (POST /api/features/{id}/replay) and records the verdict as the event
/// replay.completed (or replay.failed) with the replayed diff as an artifact. A replay never
/// changes the run itself.
/// </summary>
public sealed class ReplayFeatureConsumer(AgentRunner runner, FeatureEventLog events, PhaseServices services,
    IDbContextFactory<BuilderDbContext> dbFactory, ILogger<ReplayFeatureConsumer> logger) : IConsumer<ReplayFeature>
{
    public async Task Consume(ConsumeContext<ReplayFeature> context)
    {
        var message = context.Message;
        var key = $"replay:{message.ReplayId:N}";
        if (await events.FindAsync(message.FeatureId, key, context.CancellationToken) is not null)
            return;
        await using var db = await dbFactory.CreateDbContextAsync(context.CancellationToken);
        var tenantId = await db.Features.Where(f => f.Id == message.FeatureId).Select(f => f.TenantId).FirstOrDefaultAsync(context.CancellationToken);
        if (tenantId == Guid.Empty)
            return;

        try
        {
            var outcome = await runner.ReplayAsync(message.FeatureId, context.CancellationToken);
            var artifact = $"replay-{message.ReplayId:N}.diff";
            await services.Artifacts.PutAsync(message.FeatureId, tenantId, artifact, "text/x-diff", outcome.Diff, CancellationToken.None);
            await events.AppendAsync(message.FeatureId, tenantId, AgentEvents.ReplayCompleted, key, new
            {
                replayId = message.ReplayId, identical = outcome.Identical, recordedSha = outcome.RecordedSha, replayedSha = outcome.ReplayedSha,
                sessions = outcome.Sessions, calls = outcome.Calls, requestMismatches = outcome.RequestMismatches, unusedAnswers = outcome.UnusedAnswers,
                diff = artifact, requestedBy = message.RequestedBy,
            }, cancellationToken: CancellationToken.None);
        }
        catch (Exception ex) when (ex is PhaseFailedException or Llm.ReplayDivergedException or GitException or InvalidOperationException)
        {
            logger.LogWarning(ex, "Replay {ReplayId} of feature {FeatureId} failed", message.ReplayId, message.FeatureId);
            await events.AppendAsync(message.FeatureId, tenantId, AgentEvents.ReplayFailed, key,
                new { replayId = message.ReplayId, error = ex.Message, requestedBy = message.RequestedBy }, cancellationToken: CancellationToken.None);
        }
    }
}
