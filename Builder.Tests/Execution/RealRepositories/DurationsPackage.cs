namespace Builder.Tests.Execution.RealRepositories;

/// <summary>
/// A TypeScript ES module package on vitest whose test script chains lint after the tests
/// (`vitest run &amp;&amp; eslint .`) with eslint not installed, as in a checkout where lint comes from
/// the editor or CI: running the whole script would fail after the tests passed. The genuine feature
/// reads days, with new tests in the existing test file: one fails on the base, one guards what
/// already worked.
/// </summary>
public static class DurationsPackage
{
    public const string TestFile = "test/duration.test.ts";
    public const string Source = "src/duration.ts";

    public static IReadOnlyDictionary<string, string> Files => new Dictionary<string, string>
    {
        ["package.json"] = """
            {
              "name": "durations",
              "version": "1.4.0",
              "private": true,
              "type": "module",
              "exports": "./src/index.ts",
              "scripts": {
                "test": "vitest run && eslint ."
              },
              "devDependencies": {
                "typescript": "5.6.3",
                "vitest": "3.2.4"
              }
            }
            """,
        ["tsconfig.json"] = """
            {
              "compilerOptions": { "target": "ES2022", "module": "ESNext", "moduleResolution": "Bundler", "strict": true, "noEmit": true },
              "include": ["src", "test"]
            }
            """,
        ["vitest.config.ts"] = """
            import { defineConfig } from 'vitest/config';

            export default defineConfig({
              test: { include: ['test/**/*.test.ts'] },
            });
            """,
        ["eslint.config.js"] = "export default [{ ignores: ['node_modules/'] }];\n",
        [".gitignore"] = "node_modules/\n",
        ["src/index.ts"] = "export { parseDuration } from './duration';\nexport { formatDuration } from './format';\n",
        [Source] = BaseDuration,
        ["src/format.ts"] = """
            /** "1h30m" for 5400000: hours, minutes and seconds, leaving out the ones that are zero. */
            export function formatDuration(ms: number): string {
              const parts: [number, string][] = [[Math.floor(ms / 3_600_000), 'h'], [Math.floor(ms / 60_000) % 60, 'm'], [Math.floor(ms / 1000) % 60, 's']];
              return parts.filter(([amount]) => amount > 0).map(([amount, unit]) => `${amount}${unit}`).join('') || '0s';
            }

            """,
        ["test/format.test.ts"] = """
            import { describe, expect, it } from 'vitest';
            import { formatDuration } from '../src/format';

            describe('formatDuration', () => {
              it('leaves out zero parts', () => {
                expect(formatDuration(5_400_000)).toBe('1h30m');
              });

              it('says 0s for nothing', () => {
                expect(formatDuration(0)).toBe('0s');
              });
            });

            """,
        [TestFile] = Tests,
    };

    const string BaseDuration = """
        const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

        /** Milliseconds in a duration such as "1h30m" or "250ms". */
        export function parseDuration(text: string): number {
          const parts = [...text.matchAll(/(\d+)(ms|s|m|h)/g)];
          if (parts.length === 0 || parts.map(p => p[0]).join('') !== text) throw new Error(`not a duration: ${text}`);
          return parts.reduce((total, [, amount, unit]) => total + Number(amount) * units[unit], 0);
        }

        """;

    public const string FeatureDuration = """
        const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

        /** Milliseconds in a duration such as "2d", "1h30m" or "250ms". */
        export function parseDuration(text: string): number {
          const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d)/g)];
          if (parts.length === 0 || parts.map(p => p[0]).join('') !== text) throw new Error(`not a duration: ${text}`);
          return parts.reduce((total, [, amount, unit]) => total + Number(amount) * units[unit], 0);
        }

        """;

    const string BaseTests = """
        import { describe, expect, it } from 'vitest';
        import { parseDuration } from '../src/duration';

        describe('parseDuration', () => {
          it.each([
            ['250ms', 250],
            ['2s', 2000],
            ['1h30m', 5_400_000],
          ])('reads %s', (text, ms) => {
            expect(parseDuration(text)).toBe(ms);
          });

          it('rejects text that is not a duration', () => {
            expect(() => parseDuration('soon')).toThrow('not a duration: soon');
          });
        //NEW
        });

        """;

    public static string Tests => BaseTests.Replace("//NEW\n", "");

    /// <summary>The feature's tests, added to the existing file after the unchanged ones.</summary>
    public static string FeatureTests => BaseTests.Replace("//NEW", """

          it('reads days', () => {
            expect(parseDuration('2d1h')).toBe(176_400_000);
          });

          it('still rejects unknown units', () => {
            expect(() => parseDuration('3w')).toThrow('not a duration: 3w');
          });
        """);
}
