using Builder.Worker.Verification;

namespace Builder.Tests.Verification;

public sealed class TestIntegritySpecs
{
    static TestCaseResult T(string id, TestOutcome outcome, string? file = "tests/test_calc.py") => new(id, id, outcome) { File = file };

    /// <param name="changed">The existing tests whose own source the change edited.</param>
    static IntegrityVerdict Judge(
        TestCaseResult[] @base, TestCaseResult[]? testsOnBase, TestCaseResult[] change,
        string[]? changed = null, WeakenedTest[]? weakened = null, bool testsRequired = true) =>
        TestIntegrity.Judge(new IntegrityEvidence(@base, testsOnBase, change, t => (changed ?? []).Contains(t.Id), weakened ?? [], testsRequired));

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
    public void A_change_whose_only_new_test_also_passes_on_the_base_is_vacuous()
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
            [T("a", TestOutcome.Passed, "tests/test_a.py")], changed: ["a"]);
        verdict.Passed.ShouldBeTrue(verdict.Summary);
        verdict.FailToPass.ShouldBe(["a"]);
    }

    [Fact]
    public void A_removed_assertion_is_refused()
    {
        var verdict = Judge([T("a", TestOutcome.Passed)], [T("a", TestOutcome.Passed), T("b", TestOutcome.Failed)],
            [T("a", TestOutcome.Passed), T("b", TestOutcome.Passed)], weakened: [new WeakenedTest("tests/test_a.py", "test_total", ["assert total == 3"])]);
        var violation = verdict.Violations.ShouldHaveSingleItem();
        violation.Rule.ShouldBe(TestIntegrity.WeakenedRule);
        violation.Message.ShouldContain("assert total == 3");
        violation.Tests.ShouldBe(["test_total"]);
    }

    [Fact]
    public void Unchanged_tests_in_a_touched_file_are_not_judged_as_new()
    {
        // The change adds c next to a and b in the same file; only c is new.
        var verdict = Judge(
            [T("a", TestOutcome.Passed), T("b", TestOutcome.Passed)],
            [T("a", TestOutcome.Passed), T("b", TestOutcome.Passed), T("c", TestOutcome.Failed)],
            [T("a", TestOutcome.Passed), T("b", TestOutcome.Passed), T("c", TestOutcome.Passed)]);
        verdict.Passed.ShouldBeTrue(verdict.Summary);
        verdict.FailToPass.ShouldBe(["c"]);
        verdict.NewPassing.ShouldBeEmpty();
    }

    [Fact]
    public void New_tests_that_already_pass_beside_one_that_fails_on_the_base_are_reported_not_refused()
    {
        var verdict = Judge(
            [T("a", TestOutcome.Passed)],
            [T("a", TestOutcome.Passed), T("guard", TestOutcome.Passed), T("feature", TestOutcome.Failed)],
            [T("a", TestOutcome.Passed), T("guard", TestOutcome.Passed), T("feature", TestOutcome.Passed)]);
        verdict.Passed.ShouldBeTrue(verdict.Summary);
        verdict.FailToPass.ShouldBe(["feature"]);
        verdict.NewPassing.ShouldBe(["guard"]);
        verdict.Summary.ShouldContain("new, already passing");
    }

    [Fact]
    public void A_test_skipped_on_both_sides_is_not_a_violation()
    {
        var verdict = Judge(
            [T("a", TestOutcome.Passed), T("later", TestOutcome.Skipped)],
            [T("a", TestOutcome.Passed), T("later", TestOutcome.Skipped), T("c", TestOutcome.Failed)],
            [T("a", TestOutcome.Passed), T("later", TestOutcome.Skipped), T("c", TestOutcome.Passed)]);
        verdict.Passed.ShouldBeTrue(verdict.Summary);
    }

    [Fact]
    public void A_changed_test_still_skipped_is_neither_failing_nor_newly_skipped()
    {
        var verdict = Judge(
            [T("a", TestOutcome.Passed), T("later", TestOutcome.Skipped)],
            [T("a", TestOutcome.Passed), T("later", TestOutcome.Skipped), T("c", TestOutcome.Failed)],
            [T("a", TestOutcome.Passed), T("later", TestOutcome.Skipped), T("c", TestOutcome.Passed)], changed: ["later"]);
        verdict.Passed.ShouldBeTrue(verdict.Summary);
        verdict.FailToPass.ShouldBe(["c"]);
    }

    [Fact]
    public void Cases_whose_printed_arguments_changed_keep_their_identity_by_method()
    {
        static TestCaseResult Case(string args, TestOutcome outcome) =>
            new($"Lib.Tests.SlugTests.Formats(options: {args})", "Formats", outcome) { Method = "Lib.Tests.SlugTests.Formats" };
        var verdict = Judge(
            [Case("SlugOptions { Separator = - }, expected: \"a-b\"", TestOutcome.Passed), Case("SlugOptions { Separator = _ }, expected: \"a_b\"", TestOutcome.Passed)],
            [Case("SlugOptions { Separator = - }, expected: \"a-b\"", TestOutcome.Passed), Case("SlugOptions { Separator = _ }, expected: \"a_b\"", TestOutcome.Passed), T("new", TestOutcome.Failed)],
            [Case("SlugOptions { Separator = -, Lowercase = True }, expected: \"a-b\"", TestOutcome.Passed),
             Case("SlugOptions { Separator = _, Lowercase = True }, expected: \"a_b\"", TestOutcome.Passed), T("new", TestOutcome.Passed)]);
        verdict.Passed.ShouldBeTrue(verdict.Summary);
        verdict.FailToPass.ShouldBe(["new"]);
        verdict.PassToPass.Count.ShouldBe(2);
        verdict.Renamed.Count.ShouldBe(2);
        verdict.Renamed.ShouldContain(r => r.Contains("Separator = _ }") && r.Contains("Separator = _, Lowercase = True"));
    }

    [Fact]
    public void An_existing_test_fed_by_a_changed_fixture_counts_when_it_fails_on_the_base()
    {
        // The change edits a data file the test reads: the test fails with the new data and the old code.
        var verdict = Judge(
            [T("reads_fixture", TestOutcome.Passed), T("other", TestOutcome.Passed)],
            [T("reads_fixture", TestOutcome.Failed), T("other", TestOutcome.Passed)],
            [T("reads_fixture", TestOutcome.Passed), T("other", TestOutcome.Passed)]);
        verdict.Passed.ShouldBeTrue(verdict.Summary);
        verdict.FailToPass.ShouldBe(["reads_fixture"]);
    }

    [Fact]
    public void New_tests_missing_from_an_aborted_run_on_the_base_count_as_failing_there()
    {
        var verdict = Judge([T("a", TestOutcome.Passed)], [],
            [T("a", TestOutcome.Passed), T("exits", TestOutcome.Passed)]);
        verdict.Passed.ShouldBeTrue(verdict.Summary);
        verdict.FailToPass.ShouldBe(["exits"]);
    }
}
