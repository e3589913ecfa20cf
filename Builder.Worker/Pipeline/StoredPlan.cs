using System.Text.Json;
using Builder.Core.Artifacts;
using Builder.Core.Domain;
using Builder.Core.Events;

namespace Builder.Worker.Pipeline;

/// <summary>Reads the plan that Plan stored with the run, for the phases and the agent that follow it.</summary>
public static class StoredPlan
{
    public static async Task<FeaturePlan> LoadPlanAsync(this PhaseRun run) =>
        JsonSerializer.Deserialize<FeaturePlan>(await run.LoadAsync(ArtifactNames.Plan)
                                                ?? throw new PhaseFailedException("plan_missing", "The run has no stored plan; it must be planned again."),
            FeatureEventLog.Json)!;
}
