using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Worker.Pipeline;

namespace Builder.Worker.Phases.Deploy;

/// <summary>Deploy: start the new version beside the old one. Repositories without a deploy target skip it, saying why.</summary>
public sealed class DeployChangeConsumer(PhaseServices services) : PhaseConsumer<DeployChange>(services)
{
    protected override Phase Phase => Phase.Deploy;

    protected override async Task<PhaseOutcome> RunAsync(PhaseRun run, DeployChange command)
    {
        const string reason = "The repository has no deploy target; the change is delivered as a branch.";
        await run.RecordAsync(EventTypes.DeploySkipped, new { reason });
        return new PhaseOutcome(new ChangeDeployed(run.Feature.Id, run.Attempt, Skipped: true), Skipped: true, reason);
    }
}
