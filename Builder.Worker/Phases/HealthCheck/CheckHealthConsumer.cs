using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Worker.Pipeline;

namespace Builder.Worker.Phases.HealthCheck;

/// <summary>Health check: probe a deployed version and roll back on failure. Nothing deployed, nothing to probe.</summary>
public sealed class CheckHealthConsumer(PhaseServices services) : PhaseConsumer<CheckHealth>(services)
{
    protected override Phase Phase => Phase.HealthCheck;

    protected override async Task<PhaseOutcome> RunAsync(PhaseRun run, CheckHealth command)
    {
        const string reason = "Nothing was deployed, so there is nothing to probe.";
        await run.RecordAsync(EventTypes.HealthCheckSkipped, new { reason });
        return new PhaseOutcome(new HealthChecked(run.Feature.Id, run.Attempt, Healthy: true, RolledBack: false, Skipped: true), Skipped: true, reason);
    }
}
