using Builder.Core.Artifacts;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Worker.Phases.Verify;
using Builder.Worker.Pipeline;
using Builder.Worker.Sandbox;
using Builder.Worker.Toolchains;

namespace Builder.Worker.Phases.Build;

/// <summary>
/// Build: restore the change's dependencies (the one step with network) and compile it offline in the
/// sandbox. A failure ends the run (or, for the agent, goes back to Generate) with the log's tail.
/// </summary>
public sealed class BuildChangeConsumer(PhaseServices services, StepRunner steps) : PhaseConsumer<BuildChange>(services)
{
    protected override Phase Phase => Phase.Build;

    protected override async Task<PhaseOutcome> RunAsync(PhaseRun run, BuildChange command)
    {
        var change = await run.LoadAsync(ArtifactNames.Change);
        var workspace = await Services.Workspaces.PrepareAsync(run.Repository, run.Feature.Id, command.BaseCommit, change, run.CancellationToken);
        var commands = CommandDetector.Detect(workspace, run.Repository.Settings);
        var reports = Services.Workspaces.WorkspacePath(run.Feature.Id, "reports-build");
        var log = new StepRunner.Log(run, ArtifactNames.BuildLog);

        if (await steps.RunAsync(run, workspace, commands, Step.Restore, reports, log) is { Succeeded: false } restore)
        {
            await run.RecordAsync(EventTypes.BuildFailed, new { step = "restore", command = commands.Restore, exitCode = restore.ExitCode, limit = restore.LimitHit });
            throw new PhaseFailedException("restore_failed",
                $"Restoring dependencies failed ({StepRunner.Describe(restore)}): {Why(restore, commands.Restore!)}", retryable: true);
        }

        var build = await steps.RunAsync(run, workspace, commands, Step.Build, reports, log);
        if (build is { Succeeded: true } or null)
            await Services.Workspaces.MarkBuiltAsync(run.Feature.Id, TestSuites.BuildFingerprint(commands), run.CancellationToken);
        if (build is null)
        {
            var reason = $"No build step for this {commands.Toolchain} repository ({commands.Source}).";
            await run.RecordAsync(EventTypes.BuildCompleted, new { skipped = true, reason, toolchain = commands.Toolchain });
            return new PhaseOutcome(new ChangeBuilt(run.Feature.Id, run.Attempt), Skipped: true, reason);
        }

        if (!build.Succeeded)
        {
            await run.RecordAsync(EventTypes.BuildFailed, new { step = "build", command = commands.Build, exitCode = build.ExitCode, limit = build.LimitHit });
            throw new PhaseFailedException(build.TimedOut ? "build_timeout" : build.LimitHit is null ? "build_failed" : "build_limit",
                $"The build failed ({StepRunner.Describe(build)}): {Why(build, commands.Build!)}");
        }

        await run.RecordAsync(EventTypes.BuildCompleted, new { toolchain = commands.Toolchain, command = commands.Build, durationMs = (long)build.Duration.TotalMilliseconds });
        return new PhaseOutcome(new ChangeBuilt(run.Feature.Id, run.Attempt));
    }

    /// <summary>The error lines first (warnings often fill the tail), then the command and the output's last lines.</summary>
    static string Why(SandboxResult result, string command) =>
        FailureLines.Summary(result.ErrorLines(), result.Output) is { } errors
            ? $"{errors}\n$ {command}\n{result.Tail()}"
            : $"{command}\n{result.Tail()}";
}
