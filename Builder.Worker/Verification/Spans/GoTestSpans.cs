using System.Text.RegularExpressions;

namespace Builder.Worker.Verification.Spans;

/// <summary>
/// Go tests: `func TestX(t *testing.T)` (and Example, Fuzz, Benchmark functions) to the closing
/// brace at the start of a line, as gofmt writes it. Table rows declared inside the function are
/// part of its source.
/// </summary>
public sealed partial class GoTestSpans : ITestSpanFinder
{
    public bool Handles(string path) => path.EndsWith("_test.go", StringComparison.Ordinal);

    public IReadOnlyList<TestSpan> Find(string source)
    {
        var lines = source.Replace("\r\n", "\n").Split('\n');
        var spans = new List<TestSpan>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (TestFunc().Match(lines[i]) is not { Success: true } m)
                continue;
            var start = i;
            while (start > 0 && lines[start - 1].StartsWith("//", StringComparison.Ordinal))
                start--;
            var end = i;
            if (!lines[i].TrimEnd().EndsWith('}'))
            {
                for (var j = i + 1; j < lines.Length; j++)
                {
                    end = j;
                    if (lines[j].StartsWith('}'))
                        break;
                }
            }

            var name = m.Groups["name"].Value;
            spans.Add(new TestSpan(name, null, name, start + 1, end + 1, TestSpanFinders.Normalize(string.Join('\n', lines[start..(end + 1)]))));
        }

        return TestSpanFinders.Numbered(spans);
    }

    [GeneratedRegex(@"^func\s+(?<name>(?:Test|Example|Fuzz|Benchmark)\w*)\s*\(")]
    private static partial Regex TestFunc();
}
