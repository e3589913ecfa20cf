namespace Builder.Worker.Verification.Spans;

/// <summary>
/// One test as written in a source file. <see cref="Key"/> names it the same way in the base and the
/// changed version of the file (container plus name, and an occurrence number when a name repeats);
/// <see cref="Source"/> is what the test is made of: its own text (attributes, decorators and data
/// rows included) plus the text of the data members that feed it, so comparing the two versions'
/// sources tells whether the test changed. Lines are 1-based and inclusive.
/// </summary>
public sealed record TestSpan(string Key, string? Container, string Name, int StartLine, int EndLine, string Source)
{
    public bool Contains(int line) => line >= StartLine && line <= EndLine;

    /// <summary>Whether both are the same code once layout (indentation, line breaks) is set aside.</summary>
    public bool SameSourceAs(TestSpan other) => Flat(Source) == Flat(other.Source);

    static string Flat(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}

/// <summary>Finds the tests declared in one language's source files.</summary>
public interface ITestSpanFinder
{
    bool Handles(string path);

    IReadOnlyList<TestSpan> Find(string source);
}

/// <summary>The finders Builder has, by file extension.</summary>
public static class TestSpanFinders
{
    static readonly ITestSpanFinder[] All = [new CSharpTestSpans(), new PythonTestSpans(), new GoTestSpans(), new ScriptTestSpans()];

    /// <summary>The finder for a file, or null when Builder cannot tell its tests apart (the whole file then counts).</summary>
    public static ITestSpanFinder? For(string path) => All.FirstOrDefault(f => f.Handles(path));

    /// <summary>Text with its layout removed, so re-indenting or re-wrapping a test does not count as changing it.</summary>
    public static string Normalize(string text) =>
        string.Join('\n', text.Split('\n').Select(l => string.Join(' ', l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))).Where(l => l.Length > 0));

    /// <summary>Numbers repeated keys in order of appearance ("name", "name#2"), so two tests with one name stay two tests.</summary>
    public static IReadOnlyList<TestSpan> Numbered(IEnumerable<TestSpan> spans)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        return spans.Select(s =>
        {
            var n = seen.GetValueOrDefault(s.Key) + 1;
            seen[s.Key] = n;
            return n == 1 ? s : s with { Key = $"{s.Key}#{n}" };
        }).ToList();
    }
}
