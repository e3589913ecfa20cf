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
/// Verify: run the tests of the change, of the base commit (or take them from the base-results cache),
/// and of the base with only the change's test files — independent suites, run at once when the
/// machine has the cores — then judge the change by the test-integrity contract
/// (docs/decisions/0006). Nothing is delivered that was not tested.
/// </summary>
public sealed class VerifyChangeConsumer(PhaseServices services, TestSuites suites, BaseResultsCache baseResults) : PhaseConsumer<VerifyChange>(services)
{
    protected override Phase Phase => Phase.Verify;

    const string BaseLog = "test-base.log";
    const string ReplayLog = "test-replay.log";

    protected override async Task<PhaseOutcome> RunAsync(PhaseRun run, VerifyChange command)
    {
        var change = await run.LoadAsync(ArtifactNames.Change) ?? [];
        var workspace = await Services.Workspaces.PrepareAsync(run.Repository, run.Feature.Id, command.BaseCommit, change, run.CancellationToken);
        var commands = CommandDetector.Detect(workspace, run.Repository.Settings);
        if (string.IsNullOrWhiteSpace(commands.Test))
            throw new PhaseFailedException("no_test_command",
                $"No test command: {commands.Source}. Set settings.testCommand on the repository; Builder delivers nothing it could not test.");

        var files = DiffAnalysis.Parse(change);
        bool IsTest(string path) => CommandDetector.IsTestFile(commands.Toolchain, path, workspace);
        var testFiles = files.Where(f => !f.Deleted && IsTest(f.Path)).Select(f => f.Path).ToList();

        using var slots = new SemaphoreSlim(Parallelism);
        async Task<SuiteRun> InSlot(Func<Task<SuiteRun>> suite)
        {
            await slots.WaitAsync(run.CancellationToken);
            try
            {
                return await suite();
            }
            finally
            {
                slots.Release();
            }
        }

        var changeRun = InSlot(() => suites.RunAsync(run, workspace, "change", ArtifactNames.TestLog, builtBy: run.Feature.Id));
        // One at a time, a change that does not build ends Verify before the other suites are paid for.
        if (Parallelism == 1 && (await changeRun).BuildFailure is { } early)
            throw new PhaseFailedException("build_failed", early);
        var baseRun = InSlot(() => BaseSuiteAsync(run, command.BaseCommit));
        var replayRun = testFiles.Count == 0 ? null : InSlot(async () =>
        {
            var replayWorkspace = await Services.Workspaces.PrepareAsync(run.Repository, run.Feature.Id, command.BaseCommit, change, run.CancellationToken,
                "tests", testFiles);
            return await suites.RunAsync(run, replayWorkspace, "tests on base", ReplayLog);
        });
        await Task.WhenAll(replayRun is null ? [changeRun, baseRun] : [changeRun, baseRun, replayRun]);

        var onChange = await changeRun;
        if (onChange.BuildFailure is { } buildFailure)
            throw new PhaseFailedException("build_failed", buildFailure);
        var onBase = await baseRun;
        var replay = replayRun is null ? null : await replayRun;

        var sources = await TestSourceChanges.ReadAsync(testFiles,
            path => Services.Workspaces.ReadAtAsync(run.Repository.Id, command.BaseCommit, path, run.CancellationToken),
            path => ReadIfExists(Path.Combine(workspace, path)));
        var weakened = sources.Weakened()
            .Concat(DiffAnalysis.RemovedAssertions(files.Where(f => !sources.IsSplit(f.Path)).ToList(), IsTest)
                .GroupBy(a => a.File)
                .Select(g => new WeakenedTest(g.Key, g.Key, g.Select(a => a.Text).ToList())))
            .ToList();
        IReadOnlyList<TestCaseResult>? testsOnBase = replay is null ? onBase.Results : replay.BuildFailure is null ? replay.Results : null;

        var verdict = TestIntegrity.Judge(new IntegrityEvidence(
            onBase.BuildFailure is null ? onBase.Results : [],
            testsOnBase,
            onChange.Results,
            sources.IsChanged,
            weakened,
            run.Feature.TestsRequired,
            TestFilesChanged: testFiles.Count > 0));

        if (replay is { BuildFailure: null } && testsOnBase is not null)
        {
            var present = testsOnBase.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
            var missing = verdict.FailToPass.Where(id => !present.Contains(id)).ToList();
            if (replay.Aborted || missing.Count > 0)
                await run.RecordAsync(EventTypes.VerificationNotice, new
                {
                    notice = replay.Aborted
                        ? $"The suite aborted on the base with the change's tests ({StepRunner.Describe(replay.Test!)}) and reported no test: the {missing.Count} new or changed test(s) count as failing there."
                        : $"{missing.Count} new or changed test(s) reported nothing on the base with the change's tests and count as failing there.",
                    tests = missing.Take(50),
                });
        }

        var summary = Summarize(onChange.Results);
        await run.StoreTextAsync(ArtifactNames.TestResults, JsonSerializer.Serialize(new
        {
            toolchain = commands.Toolchain,
            summary,
            verdict = new
            {
                passed = verdict.Passed, verdict.Summary, verdict.FailToPass, verdict.NewPassing, passToPass = verdict.PassToPass.Count, verdict.Renamed,
                verdict.Violations,
            },
            baseFromCache = onBase.FromCache,
            change = onChange.Results,
            @base = onBase.Results,
            testsOnBase,
        }, FeatureEventLog.Json));
        await run.RecordAsync(EventTypes.TestsCompleted, new
        {
            toolchain = commands.Toolchain, command = commands.Test, summary.Passed, summary.Failed, summary.Skipped, summary.Total,
            exitCode = onChange.Test?.ExitCode, baseFromCache = onBase.FromCache,
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

        await run.RecordAsync(EventTypes.VerificationPassed, new { verdict.Summary, verdict.FailToPass, verdict.NewPassing, passToPass = verdict.PassToPass.Count });
        return new PhaseOutcome(new ChangeVerified(run.Feature.Id, run.Attempt));
    }

    int Parallelism => Services.Options.Worker.ParallelSuites is > 0 and var n ? n : Environment.ProcessorCount >= 2 ? 3 : 1;

    /// <summary>The base commit's results: from the cache when a feature on the same base measured them with the same commands, else run and cached.</summary>
    async Task<SuiteRun> BaseSuiteAsync(PhaseRun run, string baseCommit)
    {
        var workspace = await Services.Workspaces.PrepareAsync(run.Repository, run.Feature.Id, baseCommit, null, run.CancellationToken, "base");
        var fingerprint = BaseResultsCache.Fingerprint(CommandDetector.Detect(workspace, run.Repository.Settings));
        var useCache = Services.Options.Worker.CacheBaseResults;
        if (useCache && await baseResults.FindAsync(run.Repository.Id, baseCommit, fingerprint, run.CancellationToken) is { } cached)
        {
            await run.RecordAsync(EventTypes.BaseResultsReused, new
            {
                baseCommit, fingerprint, tests = cached.Results.Count, measuredBy = cached.MeasuredBy, measuredAt = cached.MeasuredAt,
            });
            await run.StoreTextAsync(BaseLog,
                $"[builder] The base commit's results ({cached.Results.Count} tests) come from the cache: measured by feature {cached.MeasuredBy} at {cached.MeasuredAt:u} with the same commands and toolchain.\n");
            return new SuiteRun(cached.Results, null, null) { FromCache = true };
        }

        var suite = await suites.RunAsync(run, workspace, "base", BaseLog);
        // Only a complete run is worth sharing: not a build failure, a limit hit or an aborted runner.
        if (useCache && suite is { BuildFailure: null, Test.LimitHit: null, Results.Count: > 0 })
        {
            await baseResults.StoreAsync(run.Repository, baseCommit, fingerprint, run.Feature.Id, suite.Results, run.CancellationToken);
            await run.RecordAsync(EventTypes.BaseResultsCached, new { baseCommit, fingerprint, tests = suite.Results.Count });
        }

        return suite;
    }

    static async Task<string?> ReadIfExists(string path) => File.Exists(path) ? await File.ReadAllTextAsync(path) : null;

    static TestSummary Summarize(IReadOnlyList<TestCaseResult> results) => new(
        results.Count(t => t.Outcome == TestOutcome.Passed),
        results.Count(t => t.Outcome == TestOutcome.Failed),
        results.Count(t => t.Outcome == TestOutcome.Skipped),
        results.Count);

    static string Shorten(string message) => message.Length > 300 ? message[..300] + "…" : message.ReplaceLineEndings(" ");

    sealed record TestSummary(int Passed, int Failed, int Skipped, int Total);
}
