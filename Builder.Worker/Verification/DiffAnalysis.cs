using System.Text;
using System.Text.RegularExpressions;
using Builder.Core.Diffs;

namespace Builder.Worker.Verification;

/// <summary>An assertion line that left a test file without a replacement.</summary>
public sealed record RemovedAssertion(string File, string Text);

/// <summary>What a unified diff does to each file: paths touched, and assertions removed from test files.</summary>
public static partial class DiffAnalysis
{
    public sealed record FileChange(string Path, bool Added, bool Deleted, IReadOnlyList<string> RemovedLines, IReadOnlyList<string> AddedLines);

    public static IReadOnlyList<FileChange> Parse(byte[] diff) =>
        UnifiedDiff.Parse(Encoding.UTF8.GetString(diff)).Files.Select(f => new FileChange(
                f.Path, f.Change == Core.Diffs.FileChange.Added, f.Change == Core.Diffs.FileChange.Deleted,
                Lines(f, LineKind.Removed), Lines(f, LineKind.Added)))
            .ToList();

    static IReadOnlyList<string> Lines(DiffFile file, LineKind kind) =>
        file.Hunks.SelectMany(h => h.Lines).Where(l => l.Kind == kind).Select(l => l.Text).ToList();

    /// <summary>
    /// Assertions removed from test files that existed before: per file, the assertion lines removed
    /// beyond those added back. Rewording an assertion keeps the count; dropping one does not.
    /// </summary>
    public static IReadOnlyList<RemovedAssertion> RemovedAssertions(IReadOnlyList<FileChange> files, Func<string, bool> isTestFile)
    {
        var removed = new List<RemovedAssertion>();
        foreach (var file in files.Where(f => !f.Added && isTestFile(f.Path)))
        {
            var gone = file.RemovedLines.Where(IsAssertion).Select(l => l.Trim()).ToList();
            var back = file.AddedLines.Count(IsAssertion);
            var excess = gone.Count - back;
            if (excess > 0)
                removed.AddRange(gone.Where(g => !file.AddedLines.Any(a => a.Trim() == g)).Take(excess).Select(g => new RemovedAssertion(file.Path, g)));
        }

        return removed;
    }

    /// <summary>
    /// The assertions in a piece of test source, one per statement (split at line ends and semicolons),
    /// each from where the assertion starts: "{ Assert.True(x); Assert.False(y); }" gives two.
    /// </summary>
    public static IReadOnlyList<string> AssertionStatements(string source) =>
        source.Split('\n', ';')
            .Where(IsAssertion)
            .Select(piece => piece[Assertion().Match(piece).Index..].Trim())
            .ToList();

    public static bool IsAssertion(string line) => Assertion().IsMatch(line) && !line.TrimStart().StartsWith("//") && !line.TrimStart().StartsWith('#');


    // xunit/NUnit/MSTest Assert.*, Shouldly/FluentAssertions, JS expect/assert, Python assert/self.assert*, Go testing and testify.
    [GeneratedRegex(@"(\bAssert\.\w+|\.Should(Be|NotBe|Contain|Throw|Equal|Match)?\w*\(|\bexpect\(|\bassert\b|\bassert\w*\(|\bself\.assert\w+|\bpytest\.raises|\bt\.(Error|Errorf|Fatal|Fatalf|Fail|FailNow)\b|\brequire\.\w+|\bassert\.\w+)")]
    private static partial Regex Assertion();
}
