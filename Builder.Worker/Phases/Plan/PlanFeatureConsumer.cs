using System.Text.Json;
using Builder.Core.Artifacts;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Worker.Agent;
using Builder.Worker.Pipeline;
using Builder.Worker.Toolchains;

namespace Builder.Worker.Phases.Plan;

/// <summary>
/// Plan: fetch the repository, fix the base commit of the target branch, detect how to build and
/// test it (and build the environment image the repository declares), and record the plan — for a draft, the files it touches; without one, the plan Builder's
/// agent made (steps, files, tests, risks), which the checkpoints gate shows.
/// </summary>
public sealed class PlanFeatureConsumer(PhaseServices services, AgentRunner agent, PlanEnvironment environment) : PhaseConsumer<PlanFeature>(services)
{
    protected override Phase Phase => Phase.Plan;

    protected override async Task<PhaseOutcome> RunAsync(PhaseRun run, PlanFeature command)
    {
        var baseCommit = await Services.Workspaces.FetchAsync(run.Repository, run.Feature.TargetBranch, run.CancellationToken);
        var workspace = await Services.Workspaces.PrepareAsync(run.Repository, run.Feature.Id, baseCommit, change: null, run.CancellationToken);
        await run.RecordAsync(EventTypes.WorkspacePrepared, new { baseCommit, targetBranch = run.Feature.TargetBranch });
        await environment.PrepareAsync(run, workspace);

        var commands = CommandDetector.Detect(workspace, run.Repository.Settings);
        var plan = run.Feature.Draft.Count == 0
            ? await agent.PlanAsync(run, workspace, baseCommit, commands, command.RevisionNotes)
            : new FeaturePlan(
            Summary: $"Apply the submitted draft ({run.Feature.Draft.Count} file(s)) to {run.Feature.TargetBranch} at {baseCommit[..12]}, build it and run its tests.",
            BaseCommit: baseCommit,
            TargetBranch: run.Feature.TargetBranch,
            Toolchain: commands.Toolchain,
            RestoreCommand: commands.Restore,
            BuildCommand: commands.Build,
            TestCommand: commands.Test,
            CommandSource: commands.Source,
            Author: "draft",
            Files: run.Feature.Draft.Select(f => new PlannedFile(f.Path, f.Mode.ToString().ToLowerInvariant())).ToList(),
            RevisionNotes: command.RevisionNotes);

        await run.StoreTextAsync(ArtifactNames.Plan, JsonSerializer.Serialize(plan, FeatureEventLog.Json));
        await run.RecordAsync(EventTypes.PlanGenerated, plan);
        return new PhaseOutcome(new FeaturePlanned(run.Feature.Id, run.Attempt, baseCommit));
    }
}
