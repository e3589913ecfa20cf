using Builder.Core.Domain;
using Builder.Worker.Toolchains;
using Builder.Worker.Verification;
using static Builder.Tests.Toolchains.ToolchainRunResult;

namespace Builder.Tests.Toolchains;

/// <summary>
/// Real packages tested through the detected commands: node's built-in runner, and jest, vitest and
/// mocha installed from the npm registry (into the shared package cache, so only the first run
/// downloads). Their tests read process.argv, which must hold the repository's own arguments only.
/// </summary>
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

    [Fact]
    public async Task Node_test_files_see_no_reporter_options_in_their_argv()
    {
        using var ws = new TempWorkspace()
            .With("package.json", """{ "name": "argv", "version": "1.0.0", "private": true, "scripts": { "test": "node --test" } }""")
            .With("test/argv.test.js", """
                const test = require('node:test');
                const assert = require('node:assert');

                test('argv holds only the file', () => assert.deepStrictEqual(process.argv.slice(2), []));
                """);

        var run = await ToolchainRunner.RunAsync(ws, CommandDetector.Detect(ws.Path, new RepositorySettings()));

        run.Ids().ShouldBe(Ids(["test/argv.test.js > argv holds only the file"]), customMessage: run.Output);
        run.Test("test/argv.test.js > argv holds only the file").Outcome.ShouldBe(TestOutcome.Passed, customMessage: run.Output);
    }

    const string ArgsParser = """
        export interface Options {
          verbose: boolean;
          names: string[];
        }

        /** The tool's own command line: --verbose, and names; any other flag is a mistake. */
        export function parseArgs(argv: readonly string[]): Options {
          const options: Options = { verbose: false, names: [] };
          for (const arg of argv) {
            if (arg === '--verbose') options.verbose = true;
            else if (arg.startsWith('-')) throw new Error(`unknown flag ${arg}`);
            else options.names.push(arg);
          }
          return options;
        }

        """;

    const string JestArgsTests = """
        import { parseArgs } from '../args';

        describe('parseArgs', () => {
          it('parses the real command line', () => {
            // The test script runs `jest src`: src is all there is.
            expect(parseArgs(process.argv.slice(2))).toEqual({ verbose: false, names: ['src'] });
          });

          test.each([
            [['a', 'b'], 2],
            [['--verbose', 'c'], 1],
          ])('counts the names in %j', (argv, count) => {
            expect(parseArgs(argv).names).toHaveLength(count);
          });

          describe('flags', () => {
            it('rejects unknown ones', () => {
              expect(() => parseArgs(['--json'])).toThrow('unknown flag --json');
            });

            it('treats a lone dash as a name', () => {
              expect(parseArgs(['-']).names).toEqual(['-']);
            });

            it.skip('supports --names=a,b', () => {});
          });
        });

        """;

    [Fact]
    public async Task Typescript_jest_repository_reads_its_own_argv_and_reports_files_and_lines()
    {
        using var ws = new TempWorkspace()
            .With("package.json", """
                {
                  "name": "argv-tool",
                  "version": "1.0.0",
                  "private": true,
                  "main": "dist/args.js",
                  "scripts": {
                    "build": "tsc -p tsconfig.build.json",
                    "lint": "eslint src",
                    "test": "jest src && npm run lint"
                  },
                  "devDependencies": {
                    "@types/jest": "29.5.14",
                    "@types/node": "20.17.6",
                    "jest": "29.7.0",
                    "ts-jest": "29.2.5",
                    "typescript": "5.6.3"
                  }
                }
                """)
            .With("jest.config.js", """
                /** @type {import('jest').Config} */
                module.exports = {
                  preset: 'ts-jest',
                  testEnvironment: 'node',
                  roots: ['<rootDir>/src'],
                };
                """)
            .With("tsconfig.json", """
                {
                  "compilerOptions": {
                    "target": "ES2020",
                    "module": "commonjs",
                    "strict": true,
                    "esModuleInterop": true,
                    "outDir": "dist",
                    "rootDir": "src",
                    "types": ["jest", "node"]
                  },
                  "include": ["src"]
                }
                """)
            .With("tsconfig.build.json", """{ "extends": "./tsconfig.json", "exclude": ["src/__tests__"] }""")
            .With("src/args.ts", ArgsParser)
            .With("src/__tests__/args.test.ts", JestArgsTests);

        var commands = CommandDetector.Detect(ws.Path, new RepositorySettings());
        commands.Source.ShouldBe("detected: package.json test script (jest)");
        commands.Build.ShouldBe("npm run build");
        var run = await ToolchainRunner.RunAsync(ws, commands);

        const string file = "src/__tests__/args.test.ts";
        run.Ids().ShouldBe(Ids([
            $"{file} > parseArgs > parses the real command line",
            $"{file} > parseArgs > counts the names in [\"a\",\"b\"]",
            $"{file} > parseArgs > counts the names in [\"--verbose\",\"c\"]",
            $"{file} > parseArgs > flags > rejects unknown ones",
            $"{file} > parseArgs > flags > treats a lone dash as a name",
            $"{file} > parseArgs > flags > supports --names=a,b",
        ]), customMessage: run.Output);
        run.Test($"{file} > parseArgs > parses the real command line").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe(TestOutcome.Passed, customMessage: run.Output),
            r => r.File.ShouldBe(file),
            r => r.Line.ShouldBe(LineOf(JestArgsTests, "it('parses the real command line'")));
        run.Test($"{file} > parseArgs > flags > treats a lone dash as a name").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe(TestOutcome.Failed),
            r => r.Message.ShouldNotBeNull().ShouldContain("unknown flag -"),
            r => r.Line.ShouldBe(LineOf(JestArgsTests, "it('treats a lone dash")));
        // Both cases of test.each sit on the line of the call that names them.
        run.Test($"{file} > parseArgs > counts the names in [\"--verbose\",\"c\"]").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe(TestOutcome.Passed),
            r => r.Line.ShouldBe(LineOf(JestArgsTests, "('counts the names in %j'")));
        run.Test($"{file} > parseArgs > flags > supports --names=a,b").Outcome.ShouldBe(TestOutcome.Skipped);
        run.TestExit.ShouldBe(1);
        // Only the report and the wrapper went into the reports folder; nothing into the repository.
        Directory.GetFiles(ws.Reports).Select(Path.GetFileName).Order().ShouldBe(["jest-run.cjs", "jest.json"]);
    }

    const string SlugTests = """
        import { describe, expect, inject, it, test } from 'vitest';
        import { slug } from '../src/slug';

        describe('slug', () => {
          it('lowercases', () => {
            expect(slug('Hello World')).toBe('hello-world');
          });

          test.each([
            ['  padded  ', 'padded'],
            ['a--b', 'a-b'],
          ])('slug(%s) is %s', (input, expected) => {
            expect(slug(input)).toBe(expected);
          });

          it('keeps dots', () => {
            expect(slug('v1.2')).toBe('v1.2');
          });
        });

        // vitest runs test files in worker processes; its main process, where the configuration and
        // global setup run, is the one started with the script's command line.
        test('the main process has the script arguments only', () => {
          expect(inject('argv')).toEqual(['run']);
        });

        """;

    [Fact]
    public async Task Vitest_repository_with_lint_after_the_tests_reports_files_and_lines()
    {
        using var ws = new TempWorkspace()
            .With("package.json", """
                {
                  "name": "slugs",
                  "version": "1.0.0",
                  "private": true,
                  "type": "module",
                  "scripts": {
                    "test": "vitest run && eslint ."
                  },
                  "devDependencies": {
                    "typescript": "5.6.3",
                    "vitest": "3.2.4"
                  }
                }
                """)
            .With("tsconfig.json", """
                {
                  "compilerOptions": { "target": "ES2022", "module": "ESNext", "moduleResolution": "Bundler", "strict": true, "noEmit": true },
                  "include": ["src", "test"]
                }
                """)
            .With("vitest.config.ts", """
                import { defineConfig } from 'vitest/config';

                export default defineConfig({
                  test: { include: ['test/**/*.test.ts'], globalSetup: ['test/setup/argv.ts'], reporters: ['verbose'] },
                });
                """)
            .With("src/slug.ts", """
                export function slug(text: string): string {
                  return text.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
                }
                """)
            .With("test/setup/argv.ts", """
                import type { TestProject } from 'vitest/node';

                export default function setup(project: TestProject) {
                  project.provide('argv', process.argv.slice(2));
                }

                declare module 'vitest' {
                  export interface ProvidedContext {
                    argv: string[];
                  }
                }
                """)
            .With("test/slug.test.ts", SlugTests)
            .With("test/unit/join.test.ts", """
                import { expect, it } from 'vitest';
                import { slug } from '../../src/slug';

                it('joins words', () => expect(slug('a b c')).toBe('a-b-c'));
                """);

        var commands = CommandDetector.Detect(ws.Path, new RepositorySettings());
        commands.Test.ShouldNotBeNull().ShouldNotContain("eslint");
        var run = await ToolchainRunner.RunAsync(ws, commands);

        const string file = "test/slug.test.ts";
        run.Ids().ShouldBe(Ids([
            $"{file} > slug > lowercases", $"{file} > slug > slug(padded) is padded", $"{file} > slug > slug(a--b) is a-b",
            $"{file} > slug > keeps dots", $"{file} > the main process has the script arguments only", "test/unit/join.test.ts > joins words",
        ]), customMessage: run.Output);
        run.Test($"{file} > the main process has the script arguments only").Outcome.ShouldBe(TestOutcome.Passed, customMessage: run.Output);
        run.Test($"{file} > slug > keeps dots").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe(TestOutcome.Failed),
            r => r.Message.ShouldNotBeNull().ShouldContain("expected 'v1-2' to be 'v1.2'"),
            r => r.File.ShouldBe(file),
            r => r.Line.ShouldBe(LineOf(SlugTests, "it('keeps dots'")));
        run.Test($"{file} > slug > slug(a--b) is a-b").Line.ShouldBe(LineOf(SlugTests, "('slug(%s) is %s'"));
        run.Test("test/unit/join.test.ts > joins words").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe(TestOutcome.Passed),
            r => r.File.ShouldBe("test/unit/join.test.ts"),
            r => r.Line.ShouldBe(4));
    }

    [Fact]
    public async Task Mocha_tests_see_only_the_repository_arguments()
    {
        using var ws = new TempWorkspace()
            .With("package.json", """
                {
                  "name": "words",
                  "version": "1.0.0",
                  "scripts": { "test": "mocha --recursive test && npm run lint", "lint": "eslint lib" },
                  "devDependencies": { "mocha": "10.8.2" }
                }
                """)
            .With(".mocharc.json", """{ "reporter": "spec", "timeout": 5000 }""")
            .With("lib/words.js", "exports.count = text => text.split(/\\s+/).filter(Boolean).length;\n")
            .With("test/unit/words.spec.js", """
                const assert = require('assert');
                const { count } = require('../../lib/words');

                describe('words', () => {
                  it('counts', () => assert.strictEqual(count(' a b  c '), 3));
                  it('sees its own command line', () => assert.deepStrictEqual(process.argv.slice(2), ['--recursive', 'test']));
                  it('fails', () => assert.strictEqual(count('a'), 2));
                });
                """);

        var run = await ToolchainRunner.RunAsync(ws, CommandDetector.Detect(ws.Path, new RepositorySettings()));

        const string file = "test/unit/words.spec.js";
        run.Ids().ShouldBe(Ids([$"{file} > words > counts", $"{file} > words > sees its own command line", $"{file} > words > fails"]), customMessage: run.Output);
        run.Test($"{file} > words > sees its own command line").Outcome.ShouldBe(TestOutcome.Passed, customMessage: run.Output);
        run.Test($"{file} > words > fails").Outcome.ShouldBe(TestOutcome.Failed);
    }

    /// <summary>The 1-based line of a fixture's text that holds the marker.</summary>
    static int LineOf(string text, string marker)
    {
        var lines = text.Split('\n');
        var index = Array.FindIndex(lines, l => l.Contains(marker, StringComparison.Ordinal));
        index.ShouldBeGreaterThanOrEqualTo(0, $"'{marker}' is not in the fixture");
        return index + 1;
    }
}
