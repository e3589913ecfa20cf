namespace Builder.Worker.Verification;

/// <summary>The evidence the test-integrity contract is judged on.</summary>
/// <param name="Base">The suite on the base commit (empty when it did not build).</param>
/// <param name="TestsOnBase">
/// The suite on the base with only the change's test files, or null when that did not build (the
/// new tests use code the change adds): every new or changed test then fails there.
/// </param>
/// <param name="Change">The suite with the change.</param>
/// <param name="IsChangedTest">Whether a test of the change run is new or its own source changed.</param>
/// <param name="Weakened">Existing tests that lost assertions.</param>
/// <param name="TestFilesChanged">
/// Whether the change touched test files, so <paramref name="TestsOnBase"/> differs from the base:
/// an existing test that fails only there was changed by what feeds it (a fixture, a helper).
/// </param>
public sealed record IntegrityEvidence(
    IReadOnlyList<TestCaseResult> Base,
    IReadOnlyList<TestCaseResult>? TestsOnBase,
    IReadOnlyList<TestCaseResult> Change,
    Func<TestCaseResult, bool> IsChangedTest,
    IReadOnlyList<WeakenedTest> Weakened,
    bool TestsRequired,
    bool TestFilesChanged = true);

public sealed record IntegrityViolation(string Rule, string Message, IReadOnlyList<string> Tests);

/// <summary>
/// The verdict: the new or changed tests that fail on the base and pass with the change
/// (<see cref="FailToPass"/>), the new or changed ones that already passed on the base
/// (<see cref="NewPassing"/>: regression guards, reported, not refused), how many base-passing tests
/// still pass, which tests kept their identity only by method (printed arguments changed), and every
/// broken rule with its tests.
/// </summary>
public sealed record IntegrityVerdict(
    IReadOnlyList<string> FailToPass,
    IReadOnlyList<string> PassToPass,
    IReadOnlyList<IntegrityViolation> Violations)
{
    public IReadOnlyList<string> NewPassing { get; init; } = [];
    public IReadOnlyList<string> Renamed { get; init; } = [];

    public bool Passed => Violations.Count == 0;

    public string Summary => Passed
        ? $"{FailToPass.Count} new or changed test(s) fail on the base and pass with the change"
          + (NewPassing.Count > 0 ? $"; {NewPassing.Count} new or changed test(s) already passed on the base (new, already passing)" : "")
          + $"; {PassToPass.Count} test(s) that passed before still pass."
        : string.Join(" ", Violations.Select(v => $"{v.Rule}: {v.Message}"));
}

/// <summary>
/// Builder's test-integrity contract (docs/decisions/0006). A change is verified only if (a) at least
/// one test it adds or changes fails on the base commit and passes with the change (FAIL_TO_PASS) and
/// every test it adds or changes passes with it, (b) every test that passed on the base still passes
/// (PASS_TO_PASS), and (c) no test was deleted, newly skipped or weakened.
/// </summary>
public static class TestIntegrity
{
    public const string FailToPassRule = "FAIL_TO_PASS";
    public const string VacuousRule = "VACUOUS_TEST";
    public const string PassToPassRule = "PASS_TO_PASS";
    public const string DeletedRule = "TEST_DELETED";
    public const string SkippedRule = "TEST_SKIPPED";
    public const string WeakenedRule = "ASSERTION_REMOVED";
    public const string NoTestRule = "NO_TEST";

    public static IntegrityVerdict Judge(IntegrityEvidence evidence)
    {
        var change = TestMatcher.Index(evidence.Change);
        // For each test of the change run, the same test on the base and in the tests-on-base run.
        var onBase = TestMatcher.Match(evidence.Base, evidence.Change);
        var onTestsOnBase = evidence.TestsOnBase is null ? null : TestMatcher.Match(evidence.TestsOnBase, evidence.Change);
        var violations = new List<IntegrityViolation>();

        var added = change.Values.Where(t => !onBase.ContainsKey(t.Id)).Select(t => t.Id);
        var changed = change.Values.Where(t => onBase.ContainsKey(t.Id) && evidence.IsChangedTest(t)).Select(t => t.Id);
        // An existing test whose own source is untouched but fails once the change's test files are on
        // the base (a fixture, a data file or a helper changed) is changed by what feeds it.
        var fed = onTestsOnBase is null || !evidence.TestFilesChanged
            ? []
            : change.Values.Where(t => onBase.TryGetValue(t.Id, out var b) && b.Outcome == TestOutcome.Passed
                                       && onTestsOnBase.TryGetValue(t.Id, out var r) && r.Outcome == TestOutcome.Failed
                                       && t.Outcome == TestOutcome.Passed)
                .Select(t => t.Id);
        var targeted = added.Concat(changed).Concat(fed).Distinct().Order(StringComparer.Ordinal).ToList();

        if (targeted.Count == 0 && evidence.TestsRequired)
            violations.Add(new IntegrityViolation(NoTestRule,
                "the change adds or changes no test; add a test that fails without the change, or submit with testsRequired: false.", []));

        // How each targeted test did without the change's production code. Missing there (the suite
        // aborted, or the tests did not build) counts as failing.
        TestOutcome WithoutChange(string id) =>
            onTestsOnBase is null ? TestOutcome.Failed
            : onTestsOnBase.TryGetValue(id, out var r) ? r.Outcome
            : TestOutcome.Failed;

        var notPassing = targeted.Where(id => change[id].Outcome == TestOutcome.Failed).ToList();
        if (notPassing.Count > 0)
            violations.Add(new IntegrityViolation(FailToPassRule, $"{notPassing.Count} new or changed test(s) do not pass with the change: {List(notPassing)}.", notPassing));

        var passingWithChange = targeted.Where(id => change[id].Outcome == TestOutcome.Passed).ToList();
        var failToPass = passingWithChange.Where(id => WithoutChange(id) == TestOutcome.Failed).ToList();
        var newPassing = passingWithChange.Where(id => WithoutChange(id) == TestOutcome.Passed).ToList();
        if (targeted.Count > 0 && failToPass.Count == 0 && notPassing.Count == 0)
        {
            var why = newPassing.Count > 0
                ? $"all {newPassing.Count} new or changed test(s) already pass without the change, so none of them tests it: {List(newPassing)}."
                : $"the new or changed test(s) are skipped, so none of them tests the change: {List(targeted)}.";
            violations.Add(new IntegrityViolation(VacuousRule, why, newPassing.Count > 0 ? newPassing : targeted));
        }

        // (b) PASS_TO_PASS.
        var basePassing = change.Values.Where(t => onBase.TryGetValue(t.Id, out var b) && b.Outcome == TestOutcome.Passed).Select(t => t.Id).ToList();
        var broken = basePassing.Where(id => change[id].Outcome == TestOutcome.Failed).Order(StringComparer.Ordinal).ToList();
        if (broken.Count > 0)
            violations.Add(new IntegrityViolation(PassToPassRule, $"{broken.Count} test(s) that passed before fail with the change: {List(broken)}.", broken));

        // (c) nothing deleted, newly skipped or weakened. A test skipped on both sides is neither.
        var kept = onBase.Values.Select(b => b.Id).ToHashSet(StringComparer.Ordinal);
        var deleted = TestMatcher.Index(evidence.Base).Keys.Where(id => !kept.Contains(id)).Order(StringComparer.Ordinal).ToList();
        if (deleted.Count > 0)
            violations.Add(new IntegrityViolation(DeletedRule, $"{deleted.Count} test(s) were deleted: {List(deleted)}.", deleted));
        var skipped = change.Values
            .Where(t => t.Outcome == TestOutcome.Skipped && onBase.TryGetValue(t.Id, out var b) && b.Outcome != TestOutcome.Skipped)
            .Select(t => t.Id).Order(StringComparer.Ordinal).ToList();
        if (skipped.Count > 0)
            violations.Add(new IntegrityViolation(SkippedRule, $"{skipped.Count} test(s) ran on the base and are now skipped: {List(skipped)}.", skipped));
        if (evidence.Weakened.Count > 0)
            violations.Add(new IntegrityViolation(WeakenedRule,
                $"{evidence.Weakened.Count} existing test(s) lost assertions: " +
                string.Join("; ", evidence.Weakened.Take(5).Select(w => $"{w.Test} ({w.File}): {string.Join(" / ", w.RemovedAssertions.Take(3))}")) + ".",
                evidence.Weakened.Select(w => w.Test).Distinct().ToList()));

        var passToPass = basePassing.Where(id => change[id].Outcome == TestOutcome.Passed).ToList();
        var renamed = onBase.Where(p => p.Key != p.Value.Id).Select(p => $"{p.Value.Id} → {p.Key}").Order(StringComparer.Ordinal).ToList();
        return new IntegrityVerdict(failToPass, passToPass, violations) { NewPassing = newPassing, Renamed = renamed };
    }

    static string List(IReadOnlyList<string> ids) => string.Join(", ", ids.Take(10)) + (ids.Count > 10 ? $" and {ids.Count - 10} more" : "");
}
