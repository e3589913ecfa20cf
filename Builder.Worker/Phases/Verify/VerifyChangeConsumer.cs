using System.Text.Json;
using Builder.Core.Artifacts;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Worker.Pipeline;
using Builder.Worker.Toolchains;
using Builder.Worker.Verification;

namespace Builder.Worker.Phases.Verify;

/// <summary>
/// Verify: run the tests of the change, of the base commit, and of the base with only the change's
/// test files, each in the sandbox and read from the runner's report, then judge the change by the
/// test-integrity contract (docs/decisions/0006). Nothing is delivered that was not tested.
/// </summary>
public sealed class VerifyChangeConsumer(PhaseServices services, StepRunner steps) : PhaseConsumer<VerifyChange>(services)
{
    protected override Phase Phase => Phase.Verify;

    protected override async Task<PhaseOutcome> RunAsync(PhaseRun run, VerifyChange command)
    {
        var change = await run.LoadAsync(ArtifactNames.Change) ?? [];
        var workspace = await Services.Workspaces.PrepareAsync(run.Repository, run.Feature.Id, command.BaseCommit, change, run.CancellationToken);
        var commands = CommandDetector.Detect(workspace, run.Repository.Settings);
        if (string.IsNullOrWhiteSpace(commands.Test))
            throw new PhaseFailedException("no_test_command",
                $"No test command: {commands.Source}. Set settings.testCommand on the repository; Builder delivers nothing it could not test.");

        // 1. The change.
        var onChange = await RunSuiteAsync(run, workspace, "change", ArtifactNames.TestLog);
        if (onChange.BuildFailure is { } buildFailure)
            throw new PhaseFailedException("build_failed", buildFailure);

        // 2. The base commit, for PASS_TO_PASS and for what existed before.
        var baseWorkspace = await Services.Workspaces.PrepareAsync(run.Repository, run.Feature.Id, command.BaseCommit, null, run.CancellationToken, "base");
        var onBase = await RunSuiteAsync(run, baseWorkspace, "base", "test-base.log");

        // 3. The base with only the change's test files: new and changed tests must fail there.
        var files = DiffAnalysis.Parse(change);
        bool IsTest(string path) => CommandDetector.IsTestFile(commands.Toolchain, path, workspace);
        var testFiles = files.Where(f => !f.Deleted && IsTest(f.Path)).Select(f => f.Path).ToList();
        IReadOnlyList<TestCaseResult>? testsOnBase = onBase.Results;
        if (testFiles.Count > 0)
        {
            var replayWorkspace = await Services.Workspaces.PrepareAsync(run.Repository, run.Feature.Id, command.BaseCommit, change, run.CancellationToken,
                "tests", testFiles);
            var replay = await RunSuiteAsync(run, replayWorkspace, "tests on base", "test-replay.log");
            testsOnBase = replay.BuildFailure is null ? replay.Results : null;
        }

        var verdict = TestIntegrity.Judge(new IntegrityEvidence(
            onBase.BuildFailure is null ? onBase.Results : [],
            testsOnBase,
            onChange.Results,
            files.Where(f => !f.Added && !f.Deleted && IsTest(f.Path)).Select(f => f.Path).ToHashSet(),
            DiffAnalysis.RemovedAssertions(files, IsTest),
            run.Feature.TestsRequired));

        var summary = Summarize(onChange.Results);
        await run.StoreTextAsync(ArtifactNames.TestResults, JsonSerializer.Serialize(new
        {
            toolchain = commands.Toolchain,
            summary,
            verdict = new { passed = verdict.Passed, verdict.Summary, verdict.FailToPass, passToPass = verdict.PassToPass.Count, verdict.Violations },
            change = onChange.Results,
            @base = onBase.Results,
            testsOnBase,
        }, FeatureEventLog.Json));
        await run.RecordAsync(EventTypes.TestsCompleted, new
        {
            toolchain = commands.Toolchain, command = commands.Test, summary.Passed, summary.Failed, summary.Skipped, summary.Total,
            exitCode = onChange.Test?.ExitCode,
        });

        var failing = onChange.Results.Where(t => t.Outcome == TestOutcome.Failed).ToList();
        if (failing.Count > 0 || onChange.Test is { Succeeded: false })
        {
            await run.RecordAsync(EventTypes.VerificationFailed, new { reason = "tests failed", failing = failing.Select(t => t.Id) });
            var details = failing.Count > 0
                ? $"{failing.Count} test(s) failed: " + string.Join("; ", failing.Take(10).Select(t => t.Message is null ? t.Id : $"{t.Id}: {Shorten(t.Message)}"))
                : "The report shows no failing test, but the test command failed";
            // Name the contract's rules too: a test the change broke is a PASS_TO_PASS violation, not only a red test.
            var rules = verdict.Violations.Where(v => v.Rule is TestIntegrity.PassToPassRule or TestIntegrity.FailToPassRule)
                .Select(v => $"{v.Rule}: {v.Message}");
            throw new PhaseFailedException(onChange.Test is { TimedOut: true } ? "tests_timeout" : "tests_failed",
                $"The tests failed ({StepRunner.Describe(onChange.Test!)}): {commands.Test}\n{details}\n{string.Join("\n", rules)}\n{onChange.Test?.Tail(20)}".Replace("\n\n", "\n"));
        }

        if (!verdict.Passed)
        {
            await run.RecordAsync(EventTypes.VerificationFailed, new { reason = "test integrity", verdict.Summary, verdict.Violations });
            throw new PhaseFailedException("integrity_violation", $"The change breaks the test-integrity contract. {verdict.Summary}");
        }

        await run.RecordAsync(EventTypes.VerificationPassed, new { verdict.Summary, verdict.FailToPass, passToPass = verdict.PassToPass.Count });
        return new PhaseOutcome(new ChangeVerified(run.Feature.Id, run.Attempt));
    }

    sealed record SuiteRun(IReadOnlyList<TestCaseResult> Results, Sandbox.SandboxResult? Test, string? BuildFailure);

    /// <summary>Restore, build and test in one workspace; a restore or build failure yields no results and says why.</summary>
    async Task<SuiteRun> RunSuiteAsync(PhaseRun run, string workspace, string label, string logName)
    {
        var commands = CommandDetector.Detect(workspace, run.Repository.Settings);
        var reports = workspace + ".reports";
        if (Directory.Exists(reports))
            Directory.Delete(reports, recursive: true);
        var log = new StepRunner.Log(run, logName);
        var tag = $" ({label})";

        foreach (var step in new[] { Step.Restore, Step.Build })
        {
            if (await steps.RunAsync(run, workspace, commands, step, reports, log, tag) is { Succeeded: false } failed)
                return new SuiteRun([], null, $"The {step.ToString().ToLowerInvariant()} of the {label} failed ({StepRunner.Describe(failed)}).\n{failed.Tail()}");
        }

        var started = DateTime.UtcNow;
        var test = await steps.RunAsync(run, workspace, commands, Step.Test, reports, log, tag);
        var results = test is null ? [] : CommandDetector.ReadResults(commands, reports, workspace, test.ExitCode, started);
        return new SuiteRun(results, test, null);
    }

    static TestSummary Summarize(IReadOnlyList<TestCaseResult> results) => new(
        results.Count(t => t.Outcome == TestOutcome.Passed),
        results.Count(t => t.Outcome == TestOutcome.Failed),
        results.Count(t => t.Outcome == TestOutcome.Skipped),
        results.Count);

    static string Shorten(string message) => message.Length > 300 ? message[..300] + "…" : message.ReplaceLineEndings(" ");

    sealed record TestSummary(int Passed, int Failed, int Skipped, int Total);
}
