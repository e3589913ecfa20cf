using Builder.Core.Domain;
using Builder.Worker.Toolchains;
using Builder.Worker.Verification;
using static Builder.Tests.Toolchains.ToolchainRunResult;

namespace Builder.Tests.Toolchains;

/// <summary>Real Python projects: one with pytest (Debian's python3-pytest), one with unittest only.</summary>
public class PythonRunTests
{
    const string Calc = "def add(a, b):\n    return a + b\n";

    [Fact]
    public async Task Pytest_project_reports_functions_classes_and_parametrised_cases()
    {
        using var ws = new TempWorkspace()
            .With("pyproject.toml", "[tool.pytest.ini_options]\ntestpaths = [\"tests\"]\n")
            .With("calc/__init__.py", "")
            .With("calc/core.py", Calc)
            .With("tests/test_calc.py", """
                import pytest
                from calc.core import add


                def test_add():
                    assert add(2, 2) == 4


                def test_fails():
                    assert add(2, 2) == 5, "two and two"


                @pytest.mark.parametrize("a,b", [(1, 0.1), (2, 0.2)])
                def test_positive(a, b):
                    assert add(a, b) > 0


                class TestCalc:
                    def test_method(self):
                        assert add(1, 1) == 2
                """);

        var commands = CommandDetector.Detect(ws.Path, new RepositorySettings());
        commands.Toolchain.ShouldBe("python");
        commands.Test.ShouldNotBeNull().ShouldContain("-m pytest", customMessage: $"pytest must be importable by python3 or /usr/bin/python3 (Debian's python3-pytest): {commands.Source}");
        var run = await ToolchainRunner.RunAsync(ws, commands);

        run.Ids().ShouldBe(Ids([
            "tests.test_calc.TestCalc.test_method", "tests.test_calc.test_add", "tests.test_calc.test_fails",
            "tests.test_calc.test_positive[1-0.1]", "tests.test_calc.test_positive[2-0.2]",
        ]), customMessage: run.Output);
        run.Test("tests.test_calc.test_fails").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe(TestOutcome.Failed),
            r => r.Message.ShouldNotBeNull().ShouldContain("two and two"),
            r => r.File.ShouldBe("tests/test_calc.py"));
        run.Test("tests.test_calc.test_add").Outcome.ShouldBe(TestOutcome.Passed);
        // The run leaves nothing behind in the repository.
        Directory.Exists(Path.Combine(ws.Path, ".pytest_cache")).ShouldBeFalse();
        Directory.EnumerateDirectories(ws.Path, "__pycache__", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    [Fact]
    public async Task Unittest_project_reports_through_the_builtin_runner()
    {
        using var ws = new TempWorkspace()
            .With("calc/__init__.py", "")
            .With("calc/core.py", Calc)
            .With("tests/test_calc.py", """
                import unittest
                from calc.core import add


                class TestCalc(unittest.TestCase):
                    def test_add(self):
                        self.assertEqual(add(2, 2), 4)

                    def test_fails(self):
                        self.assertEqual(add(2, 2), 5, "two and two")

                    @unittest.skip("later")
                    def test_skipped(self):
                        pass
                """);

        var commands = CommandDetector.Detect(ws.Path, new RepositorySettings());
        commands.Toolchain.ShouldBe("python");
        commands.Source.ShouldBe("detected: unittest");
        var run = await ToolchainRunner.RunAsync(ws, commands);

        run.TestExit.ShouldBe(1);
        run.Ids().ShouldBe(Ids(["tests.test_calc.TestCalc.test_add", "tests.test_calc.TestCalc.test_fails", "tests.test_calc.TestCalc.test_skipped"]), customMessage: run.Output);
        run.Test("tests.test_calc.TestCalc.test_fails").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe(TestOutcome.Failed),
            r => r.Message.ShouldBe("4 != 5 : two and two"),
            r => r.File.ShouldBe("tests/test_calc.py"));
        run.Test("tests.test_calc.TestCalc.test_skipped").Outcome.ShouldBe(TestOutcome.Skipped);
        run.Test("tests.test_calc.TestCalc.test_add").Outcome.ShouldBe(TestOutcome.Passed);
    }

    [Fact]
    public async Task Pytest_tests_that_parse_sys_argv_see_no_report_options()
    {
        using var ws = new TempWorkspace()
            .With("pytest.ini", "[pytest]\ntestpaths = tests\n")
            .With("tool/__init__.py", "")
            .With("tool/cli.py", """
                import argparse


                def parse(argv):
                    parser = argparse.ArgumentParser(prog="tool")
                    parser.add_argument("--verbose", action="store_true")
                    parser.add_argument("names", nargs="*")
                    return parser.parse_args(argv)
                """)
            .With("tests/test_cli.py", """
                import sys

                import pytest
                from tool.cli import parse


                def test_real_command_line_parses():
                    assert parse(sys.argv[1:]).names == []


                def test_argv_is_the_bare_invocation():
                    assert sys.argv[1:] == []


                @pytest.mark.parametrize("argv,verbose", [(["--verbose"], True), (["a"], False)])
                def test_verbose(argv, verbose):
                    assert parse(argv).verbose is verbose
                """);

        var commands = CommandDetector.Detect(ws.Path, new RepositorySettings());
        commands.Test.ShouldNotBeNull().ShouldEndWith("-m pytest", customMessage: commands.Source);
        var run = await ToolchainRunner.RunAsync(ws, commands);

        run.TestExit.ShouldBe(0, customMessage: run.Output);
        run.Ids().ShouldBe(Ids([
            "tests.test_cli.test_argv_is_the_bare_invocation", "tests.test_cli.test_real_command_line_parses",
            "tests.test_cli.test_verbose[argv0-True]", "tests.test_cli.test_verbose[argv1-False]",
        ]), customMessage: run.Output);
        run.Results.ShouldAllBe(r => r.Outcome == TestOutcome.Passed && r.File == "tests/test_cli.py");
        Directory.Exists(Path.Combine(ws.Path, ".pytest_cache")).ShouldBeFalse();
    }
}
