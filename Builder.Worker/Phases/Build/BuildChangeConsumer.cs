using Builder.Core.Artifacts;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Worker.Phases.Plan;
using Builder.Worker.Pipeline;

namespace Builder.Worker.Phases.Build;

/// <summary>Build: compile the change with the plan's build command; a failure ends the run with the log's tail.</summary>
public sealed class BuildChangeConsumer(PhaseServices services) : PhaseConsumer<BuildChange>(services)
{
    protected override Phase Phase => Phase.Build;

    protected override async Task<PhaseOutcome> RunAsync(PhaseRun run, BuildChange command)
    {
        var plan = await FeaturePlan.LoadAsync(run);
        if (plan.BuildCommand is null)
        {
            var reason = $"No build command: {plan.CommandSource}. Set settings.buildCommand on the repository if it needs one.";
            await run.RecordAsync(EventTypes.BuildCompleted, new { skipped = true, reason });
            return new PhaseOutcome(new ChangeBuilt(run.Feature.Id, run.Attempt), Skipped: true, reason);
        }

        var result = await CommandPhase.RunAsync(Services, run, command.BaseCommit, plan.BuildCommand, ArtifactNames.BuildLog);
        if (!result.Succeeded)
        {
            await run.RecordAsync(EventTypes.BuildFailed, new { command = plan.BuildCommand, exitCode = result.ExitCode, timedOut = result.TimedOut });
            throw new PhaseFailedException(result.TimedOut ? "build_timeout" : "build_failed",
                $"The build failed ({(result.TimedOut ? "timed out" : $"exit code {result.ExitCode}")}): {plan.BuildCommand}\n{result.Tail()}");
        }

        await run.RecordAsync(EventTypes.BuildCompleted, new { command = plan.BuildCommand, durationMs = (long)result.Duration.TotalMilliseconds });
        return new PhaseOutcome(new ChangeBuilt(run.Feature.Id, run.Attempt));
    }
}
