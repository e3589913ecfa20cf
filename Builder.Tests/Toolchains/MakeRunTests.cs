using Builder.Core.Domain;
using Builder.Worker.Toolchains;
using Builder.Worker.Verification;

namespace Builder.Tests.Toolchains;

/// <summary>Real Makefile projects: one whose tests write JUnit XML, one that only has an exit code.</summary>
public class MakeRunTests
{
    [Fact]
    public async Task Make_test_writing_junit_reports_per_test()
    {
        using var ws = new TempWorkspace()
            .With("Makefile", """
                build:
                	@echo built

                test:
                	@mkdir -p build/test-results
                	@printf '%s\n' '<testsuite name="calc">' \
                	  '<testcase classname="calc" name="adds" file="tests/calc.sh"/>' \
                	  '<testcase classname="calc" name="fails"><failure message="expected 5, got 4"/></testcase>' \
                	  '</testsuite>' > build/test-results/TEST-calc.xml
                	@exit 1
                """)
            .With("tests/calc.sh", "#!/bin/sh\n")
            // Left from an earlier run and committed by mistake: not this run's result.
            .With("old/TEST-stale.xml", "<testsuite name=\"stale\"><testcase classname=\"old\" name=\"gone\"/></testsuite>");
        File.SetLastWriteTimeUtc(Path.Combine(ws.Path, "old/TEST-stale.xml"), DateTime.UtcNow.AddHours(-1));

        var commands = CommandDetector.Detect(ws.Path, new RepositorySettings());
        commands.Toolchain.ShouldBe("make");
        var run = await ToolchainRunner.RunAsync(ws, commands);

        run.TestExit.ShouldNotBe(0);
        run.Results.Select(r => (r.Id, r.Outcome)).ShouldBe([("calc.adds", TestOutcome.Passed), ("calc.fails", TestOutcome.Failed)], customMessage: run.Output);
        run.Test("calc.fails").Message.ShouldBe("expected 5, got 4");
        run.Test("calc.adds").File.ShouldBe("tests/calc.sh");
    }

    [Fact]
    public async Task Make_test_without_a_report_is_one_test_with_the_exit_code()
    {
        using var ws = new TempWorkspace()
            .With("Makefile", "test:\n\t@test \"$$(cat value.txt)\" = 42\n")
            .With("value.txt", "0\n");

        var commands = CommandDetector.Detect(ws.Path, new RepositorySettings());
        var failing = await ToolchainRunner.RunAsync(ws, commands);
        ws.With("value.txt", "42\n");
        Directory.Delete(ws.Reports, recursive: true);
        var passing = await ToolchainRunner.RunAsync(ws, commands);

        failing.Results.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            r => r.Id.ShouldBe("make test"),
            r => r.Outcome.ShouldBe(TestOutcome.Failed));
        passing.Results.ShouldHaveSingleItem().Outcome.ShouldBe(TestOutcome.Passed);
    }
}
