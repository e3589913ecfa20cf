using System.Text.RegularExpressions;

namespace Builder.Worker.Verification.Spans;

/// <summary>
/// Python tests by indentation: `def test_*` functions (in a module or a class), with the decorators
/// above them (pytest.mark.parametrize rows are part of a test's own source). A body ends at the
/// first non-blank line indented no deeper than the `def`.
/// </summary>
public sealed partial class PythonTestSpans : ITestSpanFinder
{
    public bool Handles(string path) => path.EndsWith(".py", StringComparison.OrdinalIgnoreCase);

    public IReadOnlyList<TestSpan> Find(string source)
    {
        var lines = source.Replace("\r\n", "\n").Split('\n');
        var spans = new List<TestSpan>();
        var classes = new List<(int Indent, string Name)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
                continue;
            var indent = Indent(line);
            classes.RemoveAll(c => c.Indent >= indent);
            if (ClassLine().Match(line) is { Success: true } cls)
            {
                classes.Add((indent, cls.Groups["name"].Value));
                continue;
            }

            if (TestDef().Match(line) is not { Success: true } def)
                continue;

            var start = DecoratorsStart(lines, i, indent);
            var end = i;
            for (var j = i + 1; j < lines.Length; j++)
            {
                if (lines[j].Trim().Length == 0)
                    continue;
                if (Indent(lines[j]) <= indent)
                    break;
                end = j;
            }

            var container = classes.Count > 0 ? classes[^1].Name : null;
            var name = def.Groups["name"].Value;
            spans.Add(new TestSpan(container is null ? name : $"{container}.{name}", container, name, start + 1, end + 1,
                TestSpanFinders.Normalize(string.Join('\n', lines[start..(end + 1)]))));
        }

        return TestSpanFinders.Numbered(spans);
    }

    /// <summary>The first line of the decorators above a def, a decorator spread over lines (a long parametrize list) included.</summary>
    static int DecoratorsStart(string[] lines, int def, int indent)
    {
        var start = def;
        var open = 0;
        for (var k = def - 1; k >= 0; k--)
        {
            var text = lines[k].Trim();
            if (text.Length == 0 && open == 0)
                break;
            // Walking up, a closing bracket opens a decorator's argument list and its opening bracket ends it.
            open += text.Count(c => c is ')' or ']' or '}') - text.Count(c => c is '(' or '[' or '{');
            if (open > 0)
                continue;
            if (!text.StartsWith('@') || Indent(lines[k]) != indent)
                break;
            start = k;
            open = 0;
        }

        return start;
    }

    static int Indent(string line) => line.Length - line.TrimStart(' ', '\t').Length;

    [GeneratedRegex(@"^\s*class\s+(?<name>\w+)")]
    private static partial Regex ClassLine();

    [GeneratedRegex(@"^\s*(?:async\s+)?def\s+(?<name>test\w*)\s*\(")]
    private static partial Regex TestDef();
}
