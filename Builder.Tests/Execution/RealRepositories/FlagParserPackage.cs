namespace Builder.Tests.Execution.RealRepositories;

/// <summary>
/// A TypeScript command-line tool shaped like a real package: ts-jest (transpiling only) with a
/// tsconfig, a tsc build that leaves the tests out, sources under src/ and tests in src/__tests__
/// with describe blocks, a test.each and a test skipped on both sides. One test parses the real
/// process.argv, as CLI packages do to check they start cleanly: jest runs the tests in its own
/// process, so any option the runner was started with would be an unknown flag. The genuine feature
/// adds -v and the "--" terminator, with new tests in the existing file next to unchanged ones: two
/// fail on the base, one is a regression guard that already passes.
/// </summary>
public static class FlagParserPackage
{
    public const string TestFile = "src/__tests__/args.test.ts";
    public const string Source = "src/args.ts";

    public static IReadOnlyDictionary<string, string> Files => new Dictionary<string, string>
    {
        ["package.json"] = """
            {
              "name": "flagset",
              "version": "0.3.1",
              "private": true,
              "main": "dist/args.js",
              "bin": { "flagset": "dist/cli.js" },
              "scripts": {
                "build": "tsc -p tsconfig.build.json",
                "lint": "eslint src",
                "test": "jest"
              },
              "devDependencies": {
                "@types/jest": "29.5.14",
                "@types/node": "20.17.6",
                "jest": "29.7.0",
                "ts-jest": "29.2.5",
                "typescript": "5.6.3"
              }
            }
            """,
        ["jest.config.js"] = """
            /** @type {import('jest').Config} */
            module.exports = {
              // Transpiling only keeps test runs fast; the editor and the build check the types.
              transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
              testEnvironment: 'node',
              roots: ['<rootDir>/src'],
              // One worker: jest then runs the tests in its own process, whose command line the argv test reads.
              maxWorkers: 1,
            };
            """,
        ["tsconfig.json"] = """
            {
              "compilerOptions": {
                "target": "ES2020",
                "module": "commonjs",
                "strict": true,
                "skipLibCheck": true,
                "esModuleInterop": true,
                "outDir": "dist",
                "rootDir": "src",
                "types": ["jest", "node"]
              },
              "include": ["src"]
            }
            """,
        ["tsconfig.build.json"] = """{ "extends": "./tsconfig.json", "exclude": ["src/__tests__"] }""",
        [".gitignore"] = "node_modules/\ndist/\n",
        ["README.md"] = "# flagset\n\nA tiny flag parser: `flagset [--verbose] names...`.\n",
        [Source] = BaseArgs,
        ["src/usage.ts"] = """
            /** The help text the command prints on a mistake. */
            export function usage(): string {
              return 'usage: flagset [--verbose] names...';
            }

            """,
        ["src/cli.ts"] = """
            #!/usr/bin/env node
            import { parseArgs } from './args';
            import { usage } from './usage';

            try {
              const options = parseArgs(process.argv.slice(2));
              for (const name of options.names) console.log(options.verbose ? `name: ${name}` : name);
            } catch (error) {
              console.error(`${(error as Error).message}\n${usage()}`);
              process.exitCode = 2;
            }

            """,
        ["src/__tests__/usage.test.ts"] = """
            import { usage } from '../usage';

            describe('usage', () => {
              it('names the flags', () => {
                expect(usage()).toContain('--verbose');
              });
            });

            """,
        [TestFile] = Tests,
    };

    const string BaseArgs = """
        export interface Options {
          verbose: boolean;
          names: string[];
        }

        /** The tool's command line: --verbose, and names; any other flag is a mistake. */
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

    public const string FeatureArgs = """
        export interface Options {
          verbose: boolean;
          names: string[];
        }

        /** The tool's command line: --verbose (or -v), and names; after "--" everything is a name. */
        export function parseArgs(argv: readonly string[]): Options {
          const options: Options = { verbose: false, names: [] };
          let flags = true;
          for (const arg of argv) {
            if (flags && arg === '--') flags = false;
            else if (flags && (arg === '--verbose' || arg === '-v')) options.verbose = true;
            else if (flags && arg.startsWith('-')) throw new Error(`unknown flag ${arg}`);
            else options.names.push(arg);
          }
          return options;
        }

        """;

    const string BaseTests = """
        import { parseArgs } from '../args';

        describe('parseArgs', () => {
          it('parses the real command line cleanly', () => {
            // The tests run under `jest` with no arguments of ours: anything else there is a flag the tool does not know.
            expect(() => parseArgs(process.argv.slice(2))).not.toThrow();
          });

          test.each([
            [['a', 'b'], ['a', 'b']],
            [['--verbose', 'c'], ['c']],
          ])('collects the names of %j', (argv, names) => {
            expect(parseArgs(argv).names).toEqual(names);
          });

          describe('flags', () => {
            it('turns on verbose output', () => {
              const options = parseArgs(['--verbose']);
              expect(options.verbose).toBe(true);
              expect(options.names).toEqual([]);
            });

            it('rejects unknown ones', () => {
              expect(() => parseArgs(['--json'])).toThrow('unknown flag --json');
            });

            it.skip('reads defaults from an rc file', () => {});
        //NEW
          });
        });

        """;

    public static string Tests => BaseTests.Replace("//NEW\n", "");

    /// <summary>The feature's tests, added to the existing file after the unchanged ones.</summary>
    public static string FeatureTests => BaseTests.Replace("//NEW", """
            it('accepts -v for --verbose', () => {
              expect(parseArgs(['-v', 'a'])).toEqual({ verbose: true, names: ['a'] });
            });

            it('treats everything after -- as names', () => {
              expect(parseArgs(['--', '--verbose', '-v']).names).toEqual(['--verbose', '-v']);
            });

            it('still rejects unknown short flags', () => {
              expect(() => parseArgs(['-x'])).toThrow('unknown flag -x');
            });
        """);
}
