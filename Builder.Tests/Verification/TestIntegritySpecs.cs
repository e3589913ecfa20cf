using Builder.Worker.Verification;

namespace Builder.Tests.Verification;

public sealed class TestIntegritySpecs
{
    static TestCaseResult T(string id, TestOutcome outcome, string? file = "tests/test_calc.py") => new(id, id, outcome) { File = file };

    static IntegrityVerdict Judge(
        TestCaseResult[] @base, TestCaseResult[]? testsOnBase, TestCaseResult[] change,
        string[]? changedTestFiles = null, RemovedAssertion[]? removed = null, bool testsRequired = true) =>
        TestIntegrity.Judge(new IntegrityEvidence(@base, testsOnBase, change, new HashSet<string>(changedTestFiles ?? []), removed ?? [], testsRequired));

    [Fact]
    public void A_genuine_feature_with_its_test_is_accepted()
    {
        var verdict = Judge(
            [T("calc.add", TestOutcome.Passed)],
            [T("calc.add", TestOutcome.Passed), T("calc.mul", TestOutcome.Failed)],
            [T("calc.add", TestOutcome.Passed), T("calc.mul", TestOutcome.Passed)]);

        verdict.Passed.ShouldBeTrue(verdict.Summary);
        verdict.FailToPass.ShouldBe(["calc.mul"]);
        verdict.PassToPass.ShouldBe(["calc.add"]);
    }

    [Fact]
    public void New_tests_that_did_not_build_on_the_base_count_as_failing_there()
    {
        var verdict = Judge([T("calc.add", TestOutcome.Passed)], testsOnBase: null,
            [T("calc.add", TestOutcome.Passed), T("calc.mul", TestOutcome.Passed)]);
        verdict.Passed.ShouldBeTrue(verdict.Summary);
    }

    [Fact]
    public void A_new_test_that_also_passes_on_the_base_is_vacuous()
    {
        var verdict = Judge(
            [T("calc.add", TestOutcome.Passed)],
            [T("calc.add", TestOutcome.Passed), T("calc.trivial", TestOutcome.Passed)],
            [T("calc.add", TestOutcome.Passed), T("calc.trivial", TestOutcome.Passed)]);

        verdict.Passed.ShouldBeFalse();
        var violation = verdict.Violations.ShouldHaveSingleItem();
        violation.Rule.ShouldBe(TestIntegrity.VacuousRule);
        violation.Tests.ShouldBe(["calc.trivial"]);
        violation.Message.ShouldContain("calc.trivial");
    }

    [Fact]
    public void A_new_test_that_fails_with_the_change_breaks_FAIL_TO_PASS()
    {
        var verdict = Judge([T("a", TestOutcome.Passed)], [T("a", TestOutcome.Passed), T("b", TestOutcome.Failed)],
            [T("a", TestOutcome.Passed), T("b", TestOutcome.Failed)]);
        verdict.Violations.ShouldHaveSingleItem().Rule.ShouldBe(TestIntegrity.FailToPassRule);
    }

    [Fact]
    public void A_deleted_test_is_refused()
    {
        var verdict = Judge(
            [T("a", TestOutcome.Passed), T("b", TestOutcome.Passed)], [T("a", TestOutcome.Passed), T("c", TestOutcome.Failed)],
            [T("a", TestOutcome.Passed), T("c", TestOutcome.Passed)]);
        var violation = verdict.Violations.ShouldHaveSingleItem();
        violation.Rule.ShouldBe(TestIntegrity.DeletedRule);
        violation.Tests.ShouldBe(["b"]);
    }

    [Fact]
    public void A_newly_skipped_test_is_refused()
    {
        var verdict = Judge(
            [T("a", TestOutcome.Passed), T("b", TestOutcome.Failed)], [T("a", TestOutcome.Passed), T("b", TestOutcome.Failed), T("c", TestOutcome.Failed)],
            [T("a", TestOutcome.Passed), T("b", TestOutcome.Skipped), T("c", TestOutcome.Passed)]);
        var violation = verdict.Violations.ShouldHaveSingleItem();
        violation.Rule.ShouldBe(TestIntegrity.SkippedRule);
        violation.Tests.ShouldBe(["b"]);
    }

    [Fact]
    public void An_existing_test_broken_by_the_change_breaks_PASS_TO_PASS()
    {
        var verdict = Judge(
            [T("a", TestOutcome.Passed), T("b", TestOutcome.Passed)], [T("a", TestOutcome.Passed), T("b", TestOutcome.Passed), T("c", TestOutcome.Failed)],
            [T("a", TestOutcome.Failed), T("b", TestOutcome.Passed), T("c", TestOutcome.Passed)]);
        var violation = verdict.Violations.ShouldHaveSingleItem();
        violation.Rule.ShouldBe(TestIntegrity.PassToPassRule);
        violation.Tests.ShouldBe(["a"]);
    }

    [Fact]
    public void A_change_with_no_test_is_refused_unless_tests_are_not_required()
    {
        TestCaseResult[] same = [T("a", TestOutcome.Passed)];
        Judge(same, same, same).Violations.ShouldHaveSingleItem().Rule.ShouldBe(TestIntegrity.NoTestRule);
        Judge(same, same, same, testsRequired: false).Passed.ShouldBeTrue();
    }

    [Fact]
    public void A_changed_existing_test_must_fail_on_the_base()
    {
        var verdict = Judge(
            [T("a", TestOutcome.Passed, "tests/test_a.py")], [T("a", TestOutcome.Failed, "tests/test_a.py")],
            [T("a", TestOutcome.Passed, "tests/test_a.py")], changedTestFiles: ["tests/test_a.py"]);
        verdict.Passed.ShouldBeTrue(verdict.Summary);
        verdict.FailToPass.ShouldBe(["a"]);
    }

    [Fact]
    public void A_removed_assertion_is_refused()
    {
        var verdict = Judge([T("a", TestOutcome.Passed)], [T("a", TestOutcome.Passed), T("b", TestOutcome.Failed)],
            [T("a", TestOutcome.Passed), T("b", TestOutcome.Passed)], removed: [new RemovedAssertion("tests/test_a.py", "assert total == 3")]);
        var violation = verdict.Violations.ShouldHaveSingleItem();
        violation.Rule.ShouldBe(TestIntegrity.WeakenedRule);
        violation.Message.ShouldContain("assert total == 3");
    }
}
