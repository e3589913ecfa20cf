namespace Builder.Worker.Verification;

/// <summary>The evidence the test-integrity contract is judged on.</summary>
public sealed record IntegrityEvidence(
    IReadOnlyList<TestCaseResult> Base,
    IReadOnlyList<TestCaseResult>? TestsOnBase,
    IReadOnlyList<TestCaseResult> Change,
    IReadOnlySet<string> ChangedTestFiles,
    IReadOnlyList<RemovedAssertion> RemovedAssertions,
    bool TestsRequired);

public sealed record IntegrityViolation(string Rule, string Message, IReadOnlyList<string> Tests);

/// <summary>
/// The verdict: the tests the change added or changed (each must fail on the base and pass on the
/// change), how many base-passing tests still pass, and every broken rule with its tests.
/// </summary>
public sealed record IntegrityVerdict(
    IReadOnlyList<string> FailToPass,
    IReadOnlyList<string> PassToPass,
    IReadOnlyList<IntegrityViolation> Violations)
{
    public bool Passed => Violations.Count == 0;

    public string Summary => Passed
        ? $"{FailToPass.Count} new or changed test(s) fail on the base and pass with the change; {PassToPass.Count} test(s) that passed before still pass."
        : string.Join(" ", Violations.Select(v => $"{v.Rule}: {v.Message}"));
}

/// <summary>
/// Builder's test-integrity contract. A change is verified only if (a) every test it adds or changes
/// fails on the base commit and passes with the change (FAIL_TO_PASS), (b) every test that passed on
/// the base still passes (PASS_TO_PASS), and (c) no test was deleted, skipped or weakened.
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
        var baseById = Index(evidence.Base);
        var changeById = Index(evidence.Change);
        var onBaseById = evidence.TestsOnBase is null ? null : Index(evidence.TestsOnBase);
        var violations = new List<IntegrityViolation>();

        var added = changeById.Keys.Where(id => !baseById.ContainsKey(id)).ToList();
        var changed = changeById.Values
            .Where(t => baseById.ContainsKey(t.Id) && t.File is not null && evidence.ChangedTestFiles.Contains(t.File))
            .Select(t => t.Id).ToList();
        var targeted = added.Concat(changed).Distinct().Order(StringComparer.Ordinal).ToList();

        if (targeted.Count == 0 && evidence.TestsRequired)
            violations.Add(new IntegrityViolation(NoTestRule,
                "the change adds or changes no test; add a test that fails without the change, or submit with testsRequired: false.", []));

        // (a) FAIL_TO_PASS: a targeted test that already passes on the base proves nothing; one that fails with the change proves the change wrong.
        // When the tests did not even build on the base (they use code the change adds), every targeted test counts as failing there.
        var vacuous = targeted.Where(id => onBaseById is not null && onBaseById.TryGetValue(id, out var t) && t.Outcome == TestOutcome.Passed).ToList();
        if (vacuous.Count > 0)
            violations.Add(new IntegrityViolation(VacuousRule, $"{vacuous.Count} new or changed test(s) already pass without the change, so they do not test it: {List(vacuous)}.", vacuous));
        var notPassing = targeted.Where(id => changeById[id].Outcome != TestOutcome.Passed).ToList();
        if (notPassing.Count > 0)
            violations.Add(new IntegrityViolation(FailToPassRule, $"{notPassing.Count} new or changed test(s) do not pass with the change: {List(notPassing)}.", notPassing));

        // (b) PASS_TO_PASS.
        var basePassing = baseById.Values.Where(t => t.Outcome == TestOutcome.Passed).Select(t => t.Id).ToList();
        var broken = basePassing.Where(id => changeById.TryGetValue(id, out var t) && t.Outcome == TestOutcome.Failed).ToList();
        if (broken.Count > 0)
            violations.Add(new IntegrityViolation(PassToPassRule, $"{broken.Count} test(s) that passed before fail with the change: {List(broken)}.", broken));

        // (c) nothing deleted, skipped or weakened.
        var deleted = baseById.Keys.Where(id => !changeById.ContainsKey(id)).Order(StringComparer.Ordinal).ToList();
        if (deleted.Count > 0)
            violations.Add(new IntegrityViolation(DeletedRule, $"{deleted.Count} test(s) were deleted: {List(deleted)}.", deleted));
        var skipped = baseById.Values
            .Where(t => t.Outcome != TestOutcome.Skipped && changeById.TryGetValue(t.Id, out var now) && now.Outcome == TestOutcome.Skipped)
            .Select(t => t.Id).ToList();
        if (skipped.Count > 0)
            violations.Add(new IntegrityViolation(SkippedRule, $"{skipped.Count} test(s) are now skipped: {List(skipped)}.", skipped));
        if (evidence.RemovedAssertions.Count > 0)
            violations.Add(new IntegrityViolation(WeakenedRule,
                $"{evidence.RemovedAssertions.Count} assertion(s) were removed from existing tests: " +
                string.Join("; ", evidence.RemovedAssertions.Take(5).Select(a => $"{a.File}: {a.Text}")) + ".",
                evidence.RemovedAssertions.Select(a => a.File).Distinct().ToList()));

        var passToPass = basePassing.Where(id => changeById.TryGetValue(id, out var t) && t.Outcome == TestOutcome.Passed).ToList();
        return new IntegrityVerdict(targeted, passToPass, violations);
    }

    static Dictionary<string, TestCaseResult> Index(IReadOnlyList<TestCaseResult> results) =>
        results.GroupBy(r => r.Id, StringComparer.Ordinal)
            // A test reported twice (retries, several target frameworks) counts by its worst outcome.
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.Outcome == TestOutcome.Failed ? 0 : r.Outcome == TestOutcome.Skipped ? 2 : 1).First(), StringComparer.Ordinal);

    static string List(IReadOnlyList<string> ids) => string.Join(", ", ids.Take(10)) + (ids.Count > 10 ? $" and {ids.Count - 10} more" : "");
}
