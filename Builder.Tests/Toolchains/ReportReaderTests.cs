using Builder.Tests.Toolchains.Fixtures;
using Builder.Worker.Toolchains;
using Builder.Worker.Verification;

namespace Builder.Tests.Toolchains;

/// <summary>The readers on reports the real runners wrote (see <see cref="Reports"/>).</summary>
public class ReportReaderTests
{
    const string Ws = "/ws";

    static TestCaseResult Find(IReadOnlyList<TestCaseResult> results, string id) =>
        results.SingleOrDefault(r => r.Id == id) ?? throw new ShouldAssertException($"no '{id}' among: {string.Join(" | ", results.Select(r => r.Id))}");

    [Fact]
    public void Trx_names_tests_by_class_and_method_with_the_printed_data_case()
    {
        using var ws = new TempWorkspace().With("Calc.Tests/CalcTests.cs", "namespace Calc.Tests;\npublic class CalcTests { public void Adds() {} }\n");
        var results = TrxReader.Read(ws.Report("a.trx", Reports.Trx), new CSharpClassIndex(ws.Path).FileOf);

        results.Count.ShouldBe(7);
        var adds = Find(results, "Calc.Tests.CalcTests.Adds");
        adds.Outcome.ShouldBe(TestOutcome.Passed);
        adds.File.ShouldBe("Calc.Tests/CalcTests.cs");
        adds.DurationMs.ShouldNotBeNull();

        var fails = Find(results, "Calc.Tests.CalcTests.Fails");
        fails.Outcome.ShouldBe(TestOutcome.Failed);
        fails.Message.ShouldNotBeNull().ShouldContain("Expected: 5");

        Find(results, "Calc.Tests.CalcTests.Skipped").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe(TestOutcome.Skipped),
            r => r.Message.ShouldBe("not yet"));

        // The double printed with all its round-trip digits gets the short form.
        Find(results, "Calc.Tests.CalcTests.Data(x: 1, y: \"a\", z: 0.1)").Name.ShouldBe("Calc.Tests.CalcTests.Data(x: 1, y: \"a\", z: 0.10000000000000001)");
        Find(results, "Calc.Tests.CalcTests.Data(x: 2, y: \"b c\", z: 1E-07)").Outcome.ShouldBe(TestOutcome.Passed);
        // Rows xunit cannot serialise share one testId in the TRX; their printed arguments tell them apart.
        Find(results, "Calc.Tests.CalcTests.Obj(o: Object {})").Outcome.ShouldBe(TestOutcome.Passed);
        Find(results, "Calc.Tests.CalcTests.Obj(o: Thing {})").Outcome.ShouldBe(TestOutcome.Passed);
    }

    [Fact]
    public void Trx_data_case_printed_differently_keeps_its_id()
    {
        using var ws = new TempWorkspace();
        var before = TrxReader.Read(ws.Report("before.trx", Reports.Trx)).Select(r => r.Id).Order().ToList();
        // Another runner version prints doubles shortest-round-trip and pads arguments differently.
        var reprinted = Reports.Trx
            .Replace("z: 0.10000000000000001", "z: 0.1")
            .Replace("z: 9.9999999999999995E-08", "z:  1E-07")
            .Replace("Data(x: 2,", "Data( x: 2,");
        var after = TrxReader.Read(ws.Report("after.trx", reprinted)).Select(r => r.Id).Order().ToList();

        after.ShouldBe(before);
    }

    [Fact]
    public void Trx_without_a_readable_body_is_no_results()
    {
        using var ws = new TempWorkspace();
        TrxReader.Read(ws.Report("cut.trx", Reports.Trx[..(Reports.Trx.Length / 2)])).ShouldBeEmpty();
    }

    [Fact]
    public void Trx_of_several_frameworks_merge_and_a_failure_on_any_wins()
    {
        using var ws = new TempWorkspace();
        ws.Report("net10.trx", Reports.Trx);
        ws.Report("net8.trx", Reports.Trx.Replace("testName=\"Calc.Tests.CalcTests.Adds\" computerName=\"vm\" duration=\"00:00:00.0267592\" startTime=\"2026-11-22T22:12:08.8339061+00:00\" endTime=\"2026-11-22T22:12:08.8384801+00:00\" testType=\"13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b\" outcome=\"Passed\"",
            "testName=\"Calc.Tests.CalcTests.Adds\" computerName=\"vm\" duration=\"00:00:00.0267592\" startTime=\"2026-11-22T22:12:08.8339061+00:00\" endTime=\"2026-11-22T22:12:08.8384801+00:00\" testType=\"13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b\" outcome=\"Failed\""));

        var results = new DotnetToolchain().ReadResults(ws.Reports, ws.Path);

        results.Count.ShouldBe(7);
        Find(results, "Calc.Tests.CalcTests.Adds").Outcome.ShouldBe(TestOutcome.Failed);
    }

    [Fact]
    public void Trx_data_rows_nested_as_inner_results_are_the_tests()
    {
        // MSTest's shape for data-driven tests (hand-written: no MSTest package on this machine's feed list).
        const string trx = """
            <?xml version="1.0" encoding="utf-8"?>
            <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
              <Results>
                <UnitTestResult testId="t1" testName="Add" outcome="Failed" resultType="DataDrivenTest">
                  <InnerResults>
                    <UnitTestResult testId="t1" testName="Add (1,2)" outcome="Passed" resultType="DataDrivenDataRow" />
                    <UnitTestResult testId="t1" testName="Add (2,2)" outcome="Failed" resultType="DataDrivenDataRow">
                      <Output><ErrorInfo><Message>Assert.AreEqual failed.</Message></ErrorInfo></Output>
                    </UnitTestResult>
                  </InnerResults>
                </UnitTestResult>
              </Results>
              <TestDefinitions>
                <UnitTest name="Add" id="t1"><TestMethod className="Calc.MathTests" name="Add" /></UnitTest>
              </TestDefinitions>
            </TestRun>
            """;
        using var ws = new TempWorkspace();
        var results = TrxReader.Read(ws.Report("mstest.trx", trx));

        results.Select(r => r.Id).ShouldBe(["Calc.MathTests.Add(1,2)", "Calc.MathTests.Add(2,2)"]);
        results[1].Message.ShouldBe("Assert.AreEqual failed.");
    }

    [Fact]
    public void Pytest_junit_names_tests_by_module_class_and_parametrised_case()
    {
        using var ws = new TempWorkspace().With("tests/test_calc.py", "");
        var results = PythonToolchain.ReadJUnit(ws.Report("pytest.xml", Reports.Pytest), ws.Path);

        results.Count.ShouldBe(8);
        Find(results, "tests.test_calc.test_add").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe(TestOutcome.Passed),
            r => r.File.ShouldBe("tests/test_calc.py"));
        Find(results, "tests.test_calc.test_fails").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe(TestOutcome.Failed),
            r => r.Message.ShouldNotBeNull().ShouldContain("two and two"));
        Find(results, "tests.test_calc.test_skipped").Message.ShouldBe("later");
        Find(results, "tests.test_calc.test_data[1-0.1]").Outcome.ShouldBe(TestOutcome.Passed);
        Find(results, "tests.test_calc.test_data[2-b c]").Outcome.ShouldBe(TestOutcome.Passed);
        Find(results, "tests.test_calc.test_data[3-y2]").Outcome.ShouldBe(TestOutcome.Passed);
        Find(results, "tests.test_calc.TestCalc.test_method").File.ShouldBe("tests/test_calc.py");
        Find(results, "tests.test_calc.TestUnit.test_u").Outcome.ShouldBe(TestOutcome.Passed);
    }

    [Fact]
    public void Unittest_runner_junit_uses_the_same_names_as_pytest()
    {
        using var ws = new TempWorkspace().With("tests/test_calc.py", "");
        var results = PythonToolchain.ReadJUnit(ws.Report("unittest.xml", Reports.Unittest), ws.Path);

        results.Select(r => r.Id).Order().ShouldBe(
        [
            "tests.test_calc.TestCalc.test_add", "tests.test_calc.TestCalc.test_error", "tests.test_calc.TestCalc.test_fails",
            "tests.test_calc.TestCalc.test_skipped", "tests.test_calc.TestCalc.test_sub",
        ]);
        Find(results, "tests.test_calc.TestCalc.test_error").Message.ShouldBe("boom");
        Find(results, "tests.test_calc.TestCalc.test_fails").Message.ShouldBe("4 != 5 : two and two");
        Find(results, "tests.test_calc.TestCalc.test_sub").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe(TestOutcome.Failed),
            r => r.Message.ShouldNotBeNull().ShouldStartWith("(i=2)"));
        Find(results, "tests.test_calc.TestCalc.test_skipped").Outcome.ShouldBe(TestOutcome.Skipped);
        results.ShouldAllBe(r => r.File == "tests/test_calc.py");
    }

    [Fact]
    public void Jest_json_names_tests_by_file_and_titles()
    {
        using var ws = new TempWorkspace();
        var results = JestJsonReader.Read(ws.Report("jest.json", Reports.Jest), Ws);

        results.Count.ShouldBe(8);
        Find(results, "test/calc.test.js > calc > adds").ShouldSatisfyAllConditions(
            r => r.File.ShouldBe("test/calc.test.js"),
            // Written without --testLocationInResults: no location, no line.
            r => r.Line.ShouldBeNull());
        Find(results, "test/calc.test.js > calc > fails").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe(TestOutcome.Failed),
            r => r.Message.ShouldNotBeNull().ShouldContain("Received: 4"),
            r => r.Message.ShouldNotBeNull().ShouldNotContain("jest-circus"));
        Find(results, "test/calc.test.js > calc > skipped").Outcome.ShouldBe(TestOutcome.Skipped);
        Find(results, "test/calc.test.js > calc > inner > deep").Outcome.ShouldBe(TestOutcome.Passed);
        // 0.30000000000000004 printed by %p: the same case as 0.3.
        Find(results, "test/calc.test.js > calc > data 2 0.3").Name.ShouldBe("calc > data 2 0.30000000000000004");
        // Same title in two files: two tests.
        Find(results, "test/calc.test.js > top level").Outcome.ShouldBe(TestOutcome.Passed);
        Find(results, "test/other/other.test.js > top level").Outcome.ShouldBe(TestOutcome.Passed);
    }

    [Fact]
    public void Vitest_json_reads_like_jest_with_the_line_of_each_test()
    {
        using var ws = new TempWorkspace();
        var results = JestJsonReader.Read(ws.Report("vitest.json", Reports.VitestJson), Ws);

        results.Select(r => r.Id).ShouldBe(["test/slug.test.ts > slug > lowercases", "test/slug.test.ts > slug > slug(a--b) is a-b", "test/slug.test.ts > slug > keeps dots"]);
        Find(results, "test/slug.test.ts > slug > keeps dots").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe(TestOutcome.Failed),
            r => r.Message.ShouldBe("AssertionError: expected 'v1-2' to be 'v1.2' // Object.is equality"),
            r => r.File.ShouldBe("test/slug.test.ts"),
            r => r.Line.ShouldBe(16));
        Find(results, "test/slug.test.ts > slug > lowercases").Line.ShouldBe(5);
    }

    [Fact]
    public void Vitest_junit_names_tests_by_file_and_titles()
    {
        using var ws = new TempWorkspace();
        var results = NodeToolchain.ReadJUnit(ws.Report("vitest.xml", Reports.Vitest), Ws);

        results.Select(r => r.Id).ShouldBe(
        [
            "vt/calc.test.mjs > calc > adds", "vt/calc.test.mjs > calc > fails", "vt/calc.test.mjs > calc > skipped",
            "vt/calc.test.mjs > calc > data 1 0.1", "vt/calc.test.mjs > calc > data 2 3", "vt/calc.test.mjs > top level",
        ]);
        Find(results, "vt/calc.test.mjs > calc > fails").Message.ShouldBe("expected 4 to be 5 // Object.is equality");
        Find(results, "vt/calc.test.mjs > calc > skipped").Outcome.ShouldBe(TestOutcome.Skipped);
    }

    [Fact]
    public void Mocha_xunit_names_tests_by_file_suites_and_title()
    {
        using var ws = new TempWorkspace();
        var results = NodeToolchain.ReadJUnit(ws.Report("mocha.xml", Reports.Mocha), Ws);

        results.Select(r => r.Id).ShouldBe(
        [
            "mt/calc.spec.js > top level", "mt/calc.spec.js > calc > adds", "mt/calc.spec.js > calc > fails",
            "mt/calc.spec.js > calc > skipped", "mt/calc.spec.js > calc inner > deep",
        ]);
        Find(results, "mt/calc.spec.js > calc > fails").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe(TestOutcome.Failed),
            r => r.Message.ShouldNotBeNull().ShouldContain("4 !== 5"));
    }

    [Fact]
    public void Node_test_events_rebuild_suites_and_keep_files_apart()
    {
        using var ws = new TempWorkspace();
        var results = NodeTestEventsReader.Read(ws.Report("node-test.jsonl", Reports.NodeEvents), Ws);

        results.Select(r => r.Id).ShouldBe(
        [
            "test/broken.test.js > test/broken.test.js",
            "test/calc.test.js > adds", "test/calc.test.js > fails", "test/calc.test.js > skipped",
            "test/calc.test.js > suite > nested ok", "test/calc.test.js > suite > nested bad",
            "test/calc.test.js > with subtests > sub a",
            "test/sub/other.test.js > adds",
        ]);
        Find(results, "test/calc.test.js > fails").Message.ShouldNotBeNull().ShouldContain("4 !== 5");
        Find(results, "test/calc.test.js > suite > nested bad").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe(TestOutcome.Failed),
            r => r.Message.ShouldBe("boom"));
        Find(results, "test/calc.test.js > skipped").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe(TestOutcome.Skipped),
            r => r.Message.ShouldBe("later"));
        // A file that does not load is one failed test named after it.
        Find(results, "test/broken.test.js > test/broken.test.js").Outcome.ShouldBe(TestOutcome.Failed);
    }

    [Fact]
    public void Go_test_json_reports_leaf_tests_with_their_package()
    {
        using var ws = new TempWorkspace()
            .With("go.mod", "module example.com/calc\n\ngo 1.19\n")
            .With("calc/calc_test.go", "package calc\n\nfunc TestAdd(t *testing.T) {}\nfunc TestFails(t *testing.T) {}\nfunc TestSkipped(t *testing.T) {}\nfunc TestTable(t *testing.T) {}\n");
        ws.Report(GoToolchain.Report, Reports.GoTest);
        var results = new GoToolchain().ReadResults(ws.Reports, ws.Path);

        results.Select(r => r.Id).ShouldBe(
        [
            "example.com/calc/calc.TestAdd", "example.com/calc/calc.TestFails", "example.com/calc/calc.TestSkipped",
            "example.com/calc/calc.TestTable/one_plus_one", "example.com/calc/calc.TestTable/two",
        ]);
        Find(results, "example.com/calc/calc.TestFails").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe(TestOutcome.Failed),
            r => r.Message.ShouldBe("calc_test.go:9: Add(2, 2) = 4, want 5"),
            r => r.File.ShouldBe("calc/calc_test.go"));
        Find(results, "example.com/calc/calc.TestSkipped").Outcome.ShouldBe(TestOutcome.Skipped);
        Find(results, "example.com/calc/calc.TestTable/two").File.ShouldBe("calc/calc_test.go");
    }

    [Fact]
    public void Go_parent_test_that_fails_on_its_own_is_reported()
    {
        const string json = """
            {"Action":"run","Package":"m/p","Test":"TestX"}
            {"Action":"run","Package":"m/p","Test":"TestX/a"}
            {"Action":"pass","Package":"m/p","Test":"TestX/a","Elapsed":0}
            {"Action":"output","Package":"m/p","Test":"TestX","Output":"    x_test.go:12: cleanup failed\n"}
            {"Action":"fail","Package":"m/p","Test":"TestX","Elapsed":0.01}
            {"Action":"run","Package":"m/p","Test":"TestHangs"}
            {"Action":"fail","Package":"m/p","Elapsed":600}
            """;
        using var ws = new TempWorkspace();
        var results = GoTestJsonReader.Read(ws.Report("go.json", json));

        results.Select(r => (r.Id, r.Outcome)).ShouldBe(
        [
            ("m/p.TestX", TestOutcome.Failed),
            ("m/p.TestX/a", TestOutcome.Passed),
            // Still running when the package failed (a timeout or a panic elsewhere).
            ("m/p.TestHangs", TestOutcome.Failed),
        ]);
        results[0].Message.ShouldBe("x_test.go:12: cleanup failed");
    }

    [Fact]
    public void Paths_printed_inside_the_sandbox_map_back_to_the_repository()
    {
        using var ws = new TempWorkspace().With("test/a.test.js", "").With("pkg/test/a.test.js", "");

        WorkspacePaths.Relative(ws.Path, Path.Combine(ws.Path, "test/a.test.js")).ShouldBe("test/a.test.js");
        WorkspacePaths.Relative(ws.Path, "/sandbox/work/test/a.test.js").ShouldBe("test/a.test.js");
        WorkspacePaths.Relative(ws.Path, "/sandbox/work/pkg/test/a.test.js").ShouldBe("pkg/test/a.test.js");
        WorkspacePaths.Relative(ws.Path, "./test/a.test.js").ShouldBe("test/a.test.js");
        WorkspacePaths.Relative(ws.Path, "/elsewhere/unknown.js").ShouldBeNull();
    }
}
