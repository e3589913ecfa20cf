using Builder.Core.Domain;
using Builder.Worker.Toolchains;
using Builder.Worker.Verification;
using static Builder.Tests.Toolchains.ToolchainRunResult;

namespace Builder.Tests.Toolchains;

/// <summary>A real package tested with node's built-in runner through the detected commands.</summary>
public class NodeRunTests
{
    [Fact]
    public async Task Node_test_project_reports_per_test_even_with_a_failing_lint_after_the_tests()
    {
        using var ws = new TempWorkspace()
            .With("package.json", """
                {
                  "name": "calc",
                  "version": "1.0.0",
                  "private": true,
                  "scripts": {
                    "lint": "exit 3",
                    "test": "node --test && npm run lint"
                  }
                }
                """)
            .With("src/calc.js", "exports.add = (a, b) => a + b;\n")
            .With("test/calc.test.js", """
                const test = require('node:test');
                const assert = require('node:assert');
                const { add } = require('../src/calc');

                test('adds', () => assert.strictEqual(add(2, 2), 4));
                test('fails', () => assert.strictEqual(add(2, 2), 5));
                test.describe('calc', () => {
                  test.it('adds decimals', () => assert.ok(Math.abs(add(0.1, 0.2) - 0.3) < 1e-9));
                });
                """)
            .With("test/other.test.js", """
                const test = require('node:test');
                test('adds', () => {});
                """);

        var commands = CommandDetector.Detect(ws.Path, new RepositorySettings());
        commands.Toolchain.ShouldBe("node");
        commands.Test.ShouldNotBeNull().ShouldNotContain("lint");
        var run = await ToolchainRunner.RunAsync(ws, commands);

        run.Ids().ShouldBe(Ids(["test/calc.test.js > adds", "test/calc.test.js > calc > adds decimals", "test/calc.test.js > fails", "test/other.test.js > adds"]), customMessage: run.Output);
        run.Test("test/calc.test.js > fails").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe(TestOutcome.Failed),
            r => r.Message.ShouldNotBeNull().ShouldContain("4 !== 5"),
            r => r.File.ShouldBe("test/calc.test.js"));
        run.Test("test/other.test.js > adds").Outcome.ShouldBe(TestOutcome.Passed);
    }
}
