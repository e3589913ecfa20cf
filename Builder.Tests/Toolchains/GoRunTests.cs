using Builder.Core.Domain;
using Builder.Worker.Toolchains;
using Builder.Worker.Verification;
using static Builder.Tests.Toolchains.ToolchainRunResult;

namespace Builder.Tests.Toolchains;

/// <summary>A real Go module (Debian's golang-go) built and tested with the detected commands.</summary>
public class GoRunTests
{
    [Fact]
    public async Task Go_module_reports_tests_and_subtests()
    {
        using var ws = new TempWorkspace()
            .With("go.mod", "module example.com/calc\n\ngo 1.19\n")
            .With("calc/calc.go", "package calc\n\nfunc Add(a, b int) int { return a + b }\n")
            .With("calc/calc_test.go", """
                package calc

                import "testing"

                func TestAdd(t *testing.T) {
                	if Add(2, 2) != 4 {
                		t.Fatal("bad")
                	}
                }

                func TestFails(t *testing.T) {
                	if got := Add(2, 2); got != 5 {
                		t.Errorf("Add(2, 2) = %d, want 5", got)
                	}
                }

                func TestTable(t *testing.T) {
                	for _, c := range []struct {
                		name       string
                		a, b, want int
                	}{{"one plus one", 1, 1, 2}, {"two", 2, 2, 4}} {
                		t.Run(c.name, func(t *testing.T) {
                			if Add(c.a, c.b) != c.want {
                				t.Fatal("wrong")
                			}
                		})
                	}
                }
                """);

        var commands = CommandDetector.Detect(ws.Path, new RepositorySettings());
        commands.Toolchain.ShouldBe("go");
        var run = await ToolchainRunner.RunAsync(ws, commands);

        run.Ids().ShouldBe(Ids([
            "example.com/calc/calc.TestAdd", "example.com/calc/calc.TestFails",
            "example.com/calc/calc.TestTable/one_plus_one", "example.com/calc/calc.TestTable/two",
        ]), customMessage: run.Output);
        run.Test("example.com/calc/calc.TestFails").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe(TestOutcome.Failed),
            r => r.Message.ShouldNotBeNull().ShouldContain("Add(2, 2) = 4, want 5"),
            r => r.File.ShouldBe("calc/calc_test.go"));
        run.Test("example.com/calc/calc.TestTable/two").Outcome.ShouldBe(TestOutcome.Passed);
    }
}
