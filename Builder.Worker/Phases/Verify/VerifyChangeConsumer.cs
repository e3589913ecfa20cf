using Builder.Core.Artifacts;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Worker.Phases.Plan;
using Builder.Worker.Pipeline;

namespace Builder.Worker.Phases.Verify;

/// <summary>Verify: run the tests on the change. Nothing is delivered that was not tested.</summary>
public sealed class VerifyChangeConsumer(PhaseServices services) : PhaseConsumer<VerifyChange>(services)
{
    protected override Phase Phase => Phase.Verify;

    protected override async Task<PhaseOutcome> RunAsync(PhaseRun run, VerifyChange command)
    {
        var plan = await FeaturePlan.LoadAsync(run);
        if (plan.TestCommand is null)
            throw new PhaseFailedException("no_test_command",
                $"No test command: {plan.CommandSource}. Set settings.testCommand on the repository; Builder delivers nothing it could not test.");

        var result = await CommandPhase.RunAsync(Services, run, command.BaseCommit, plan.TestCommand, ArtifactNames.TestLog);
        await run.RecordAsync(EventTypes.TestsCompleted, new { command = plan.TestCommand, exitCode = result.ExitCode, timedOut = result.TimedOut });
        if (!result.Succeeded)
        {
            await run.RecordAsync(EventTypes.VerificationFailed, new { reason = "tests failed" });
            throw new PhaseFailedException(result.TimedOut ? "tests_timeout" : "tests_failed",
                $"The tests failed ({(result.TimedOut ? "timed out" : $"exit code {result.ExitCode}")}): {plan.TestCommand}\n{result.Tail()}");
        }

        await run.RecordAsync(EventTypes.VerificationPassed, new { command = plan.TestCommand });
        return new PhaseOutcome(new ChangeVerified(run.Feature.Id, run.Attempt));
    }
}
