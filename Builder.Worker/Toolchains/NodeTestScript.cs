using System.Text;
using System.Text.RegularExpressions;

namespace Builder.Worker.Toolchains;

/// <summary>The test runner found in a package's scripts and the command that runs it with a report.</summary>
/// <param name="Runner">node, jest, vitest or mocha.</param>
/// <param name="Wrapper">The script the command runs the runner through, which the test command writes first; null when the runner takes the report options on its own command line.</param>
public sealed record NodeTestRun(string Runner, string Command, NodeRunnerWrapper? Wrapper = null)
{
    /// <summary>The whole test command: the wrapper written into the reports folder, then the command.</summary>
    public string Shell => Wrapper is null ? Command : Wrapper.WriteCommand + Command;
}

/// <summary>
/// Finds the test runner inside an npm test script and rewrites its segment to write a report.
/// `npm test` is not run as is: scripts chain lint and type checks after the unit tests
/// ("jest && eslint . && tsc --noEmit"), whose failure would hide the per-test results behind one
/// exit code, and `npm test -- args` would hand reporter arguments to the last command of the chain
/// rather than the runner. So the runner's segment runs with reporter arguments added, preceded by the
/// segments before it (a compile step) except lint, format and type checks; segments after it are not
/// run. npm's pretest and posttest hooks are not run either.
/// jest, vitest and mocha run through a <see cref="NodeRunnerWrapper"/>, which hands them the report
/// options without putting them on the command line the tests can read; node --test takes them as
/// node options, which its test files (each run in a child process) do not see.
/// </summary>
public static partial class NodeTestScript
{
    const int MaxDepth = 5;
    const string Reports = "$" + ToolchainCommands.ReportsVariable;

    /// <summary>
    /// Reports what node's built-in runner does as JSON lines, with each test's file: the junit
    /// reporter of Node 20 leaves the file out. A data: URL needs no file on disk; it avoids ?, # and %
    /// which URLs would read.
    /// </summary>
    public const string NodeReporter =
        "data:text/javascript,export default async function*(source){for await (const e of source){" +
        "if(e.type!==\"test:pass\"&&e.type!==\"test:fail\")continue;const d=e.data,x=d.details||{},err=x.error;" +
        "yield JSON.stringify({event:e.type,name:d.name,nesting:d.nesting,file:d.file,skip:d.skip,todo:d.todo,type:x.type," +
        "duration:x.duration_ms,error:err&&String((err.cause&&err.cause.message)||err.message||err)})+\"\\n\"}}";

    public const string NodeReport = "node-test.jsonl";
    public const string JestReport = "jest.json";
    public const string VitestReport = "vitest.json";
    public const string MochaReport = "mocha.xml";

    /// <summary>The runner's command with a report, or null when the script runs no runner we know.</summary>
    public static NodeTestRun? Rewrite(string script, IReadOnlyDictionary<string, string> scripts)
    {
        var segments = Expand(script, scripts, 0);
        var index = segments.FindIndex(s => Runner(s.Command) is not null);
        if (index < 0)
            return null;

        var run = Runner(segments[index].Command)!;
        var before = segments.Take(index).Where(s => !IsCheck(s)).Select(s => s.Command);
        return run with { Command = string.Join(" && ", before.Append(run.Command)) };
    }

    /// <summary>The runner's command with a report, run with its defaults (no usable test script).</summary>
    public static NodeTestRun Default(string runner) => Runner(runner switch
    {
        "node" => "node --test",
        "vitest" => "vitest run",
        _ => runner,
    })!;

    sealed record Segment(string Command, string? Script);

    /// <summary>Splits at &amp;&amp;, || and ; and replaces `npm run x` (yarn x, pnpm x) with the segments of script x.</summary>
    static List<Segment> Expand(string command, IReadOnlyDictionary<string, string> scripts, int depth, string? script = null)
    {
        var result = new List<Segment>();
        foreach (var segment in Split(command))
        {
            var m = RunScript().Match(segment);
            var name = m.Groups["name"].Value == "t" ? "test" : m.Groups["name"].Value;
            if (m.Success && depth < MaxDepth && scripts.TryGetValue(name, out var body))
            {
                var inner = Expand(body, scripts, depth + 1, name);
                // `npm run x -- --flag` hands the flag to x's last command.
                var extra = m.Groups["args"].Value.Trim();
                if (extra.Length > 0 && inner.Count > 0)
                    inner[^1] = inner[^1] with { Command = $"{inner[^1].Command} {extra}" };
                result.AddRange(inner);
            }
            else
            {
                result.Add(new Segment(segment, script));
            }
        }

        return result;
    }

    /// <summary>Splits a shell command line at &amp;&amp;, || and ; outside quotes.</summary>
    static IEnumerable<string> Split(string command)
    {
        var current = new StringBuilder();
        char? quote = null;
        for (var i = 0; i < command.Length; i++)
        {
            var c = command[i];
            if (quote is not null)
            {
                if (c == quote)
                    quote = null;
                current.Append(c);
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                current.Append(c);
            }
            else if (c == ';' || (c is '&' or '|') && i + 1 < command.Length && command[i + 1] == c)
            {
                if (c != ';')
                    i++;
                if (current.ToString().Trim() is { Length: > 0 } part)
                    yield return part;
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.ToString().Trim() is { Length: > 0 } last)
            yield return last;
    }

    /// <summary>Lint, format and type checks: not needed to run the tests, and their failure would stop them.</summary>
    static bool IsCheck(Segment segment)
    {
        if (segment.Script is not null && CheckScript().IsMatch(segment.Script))
            return true;
        var words = Words(segment.Command);
        var tool = words.FirstOrDefault(w => !w.Contains('=') && w is not ("npx" or "cross-env" or "env"));
        return tool is not null && (CheckTools.Contains(Path.GetFileName(tool)) || Path.GetFileName(tool) == "tsc" && words.Contains("--noEmit"));
    }

    static readonly HashSet<string> CheckTools = new(StringComparer.Ordinal)
    {
        "eslint", "prettier", "tslint", "standard", "xo", "stylelint", "biome", "markdownlint", "depcheck", "publint", "attw",
    };

    /// <summary>Which runner a segment runs, and the segment rewritten to write that runner's report.</summary>
    static NodeTestRun? Runner(string segment)
    {
        var words = WordPattern().Matches(segment);
        var texts = words.Select(m => m.Value.Trim('"', '\'')).ToList();
        for (var i = 0; i < texts.Count; i++)
        {
            var word = Path.GetFileName(texts[i]);
            if (word == "node" && texts.Skip(i + 1).Contains("--test"))
            {
                var at = IndexAfter(segment, "--test");
                return new("node", segment[..at] +
                                   $" --test-reporter=spec --test-reporter-destination=stdout --test-reporter='{NodeReporter}' --test-reporter-destination=\"{Reports}/{NodeReport}\"" +
                                   segment[at..]);
            }

            // Create React App's test script builds jest's configuration and calls jest itself: the
            // report options can only go on its command line.
            if (word is "react-scripts" or "craco" && i + 1 < texts.Count && texts[i + 1] == "test")
                return new("jest", $"{segment} --watchAll=false --ci --json --outputFile=\"{Reports}/{JestReport}\" --testLocationInResults");

            if (WrapperFor(texts[i]) is { } wrapper)
                return new(wrapper.Runner, ThroughWrapper(segment, words, texts, i, wrapper), wrapper);
        }

        return null;
    }

    /// <summary>The runner a word starts: its binary's name, or a script of its package in node_modules run by node.</summary>
    static NodeRunnerWrapper? WrapperFor(string word)
    {
        var name = Path.GetFileName(word);
        var installed = word.Contains("node_modules/", StringComparison.Ordinal);
        return name switch
        {
            "jest" => NodeRunnerWrapper.Jest,
            "jest.js" when installed => NodeRunnerWrapper.Jest,
            "vitest" => NodeRunnerWrapper.Vitest,
            "vitest.mjs" when installed => NodeRunnerWrapper.Vitest,
            "mocha" or "_mocha" => NodeRunnerWrapper.Mocha,
            "mocha.js" or "_mocha.js" when installed => NodeRunnerWrapper.Mocha,
            _ => null,
        };
    }

    /// <summary>
    /// The segment with the runner started through its wrapper; the runner's word stays as the
    /// wrapper's first argument. A launcher before it (npx, npm/pnpm/yarn exec) is dropped, since the
    /// runner's binary is on PATH anyway; node with its options stays, with the wrapper put before the
    /// runner's script.
    /// </summary>
    static string ThroughWrapper(string segment, MatchCollection words, List<string> texts, int runner, NodeRunnerWrapper wrapper)
    {
        var first = runner;
        while (first > 0 && texts[first - 1].StartsWith('-'))
            first--;
        var launcher = first > 0 ? Path.GetFileName(texts[first - 1]) : null;
        var at = words[runner].Index;
        if (launcher == "node")
            return $"{segment[..at]}{wrapper.ShellPath} {segment[at..]}";
        if (launcher == "exec" && first > 1 && texts[first - 2] is "npm" or "pnpm" or "yarn")
            first -= 2;
        else if (launcher is "npx" or "bunx")
            first--;
        else
            first = runner;
        return $"{segment[..words[first].Index]}node {wrapper.ShellPath} {segment[at..]}";
    }

    static int IndexAfter(string text, string word, int from = 0)
    {
        var m = new Regex($@"(?<![^\s/]){Regex.Escape(word)}(?=\s|$)").Match(text, from);
        return m.Success ? m.Index + m.Length : text.Length;
    }

    static List<string> Words(string segment) =>
        WordPattern().Matches(segment).Select(m => m.Value.Trim('"', '\'')).ToList();

    // npm run x, npm run-script x, npm test, npm t, yarn [run] x, pnpm [run] x; then its arguments.
    [GeneratedRegex(@"^(?:npm\s+(?:run|run-script)\s+(?<name>[\w:.-]+)|npm\s+(?<name>test|t)|(?:yarn|pnpm)\s+(?:run\s+)?(?<name>[\w:.-]+))(?:\s+--)?(?<args>\s.*)?$")]
    private static partial Regex RunScript();

    [GeneratedRegex(@"lint|format|prettier|typecheck|type-check|check-types")]
    private static partial Regex CheckScript();

    [GeneratedRegex(@"""[^""]*""|'[^']*'|\S+")]
    private static partial Regex WordPattern();
}
