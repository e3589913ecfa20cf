using Builder.Worker.Verification.Spans;

namespace Builder.Worker.Verification;

/// <summary>An existing test that lost assertions: its key, its file, and the assertion lines gone.</summary>
public sealed record WeakenedTest(string File, string Test, IReadOnlyList<string> RemovedAssertions);

/// <summary>
/// Which tests a change touched, decided per test and not per file: a test is changed when its own
/// source (its text with attributes, decorators and data rows, plus the data members feeding it)
/// differs between the base and the change. Test files in a language Builder cannot split into tests
/// fall back to the whole file. Also finds existing tests that lost assertions.
/// </summary>
public sealed class TestSourceChanges
{
    sealed record FileTests(string Path, bool Added, IReadOnlyList<TestSpan>? Before, IReadOnlyList<TestSpan>? After);

    readonly Dictionary<string, FileTests> _files;

    TestSourceChanges(Dictionary<string, FileTests> files) => _files = files;

    public static TestSourceChanges None { get; } = new([]);

    /// <summary>The changed test files that are still there after the change.</summary>
    public IReadOnlyCollection<string> Files => _files.Keys;

    /// <param name="testFiles">The test files the change adds or modifies (not deleted ones).</param>
    /// <param name="before">Reads a file at the base commit (null when it did not exist).</param>
    /// <param name="after">Reads a file with the change (null when it does not exist).</param>
    public static async Task<TestSourceChanges> ReadAsync(IEnumerable<string> testFiles, Func<string, Task<string?>> before, Func<string, Task<string?>> after)
    {
        var files = new Dictionary<string, FileTests>(StringComparer.Ordinal);
        foreach (var path in testFiles.Distinct(StringComparer.Ordinal))
        {
            var finder = TestSpanFinders.For(path);
            var old = await before(path);
            var now = await after(path);
            if (now is null)
                continue;
            files[path] = new FileTests(path, old is null, finder is null || old is null ? null : Safe(finder, old), finder is null ? null : Safe(finder, now));
        }

        return new TestSourceChanges(files);
    }

    /// <summary>A parser that trips over unusual source must not fail the run: the whole file then counts.</summary>
    static IReadOnlyList<TestSpan>? Safe(ITestSpanFinder finder, string source)
    {
        try
        {
            return finder.Find(source);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;
        }
    }

    /// <summary>Whether the test (a result of the run with the change) is new or its own source changed.</summary>
    public bool IsChanged(TestCaseResult test)
    {
        var located = Locate(test);
        if (located is null)
            return false;
        var (file, span) = located.Value;
        if (file.Added || file.After is null || file.Before is null)
            return true;
        // A test Builder cannot find in its file is counted as changed, as the whole file would be.
        if (span is null)
            return true;
        var old = file.Before.FirstOrDefault(s => s.Key == span.Key);
        return old is null || !old.SameSourceAs(span);
    }

    (FileTests File, TestSpan? Span)? Locate(TestCaseResult test)
    {
        if (test.File is not null)
            return _files.TryGetValue(test.File.Replace('\\', '/'), out var file) ? (file, file.After is null ? null : Find(file.After, test)) : null;

        // Runners that do not name the file (go test): the test's name in the changed files, if it is unique there.
        var matches = _files.Values.Where(f => f.After is not null)
            .Select(f => (File: f, Span: Find(f.After!, test)))
            .Where(m => m.Span is not null)
            .ToList();
        return matches.Count == 1 ? matches[0] : null;
    }

    static TestSpan? Find(IReadOnlyList<TestSpan> spans, TestCaseResult test)
    {
        if (test.Line is { } line)
        {
            var at = spans.FirstOrDefault(s => s.StartLine == line) ?? spans.Where(s => s.Contains(line)).OrderBy(s => s.EndLine - s.StartLine).FirstOrDefault();
            if (at is not null)
                return at;
        }

        // "describe > title" as JavaScript runners name tests.
        var byKey = spans.FirstOrDefault(s => s.Key == test.Name) ?? spans.FirstOrDefault(s => test.Id.EndsWith(" > " + s.Key, StringComparison.Ordinal));
        if (byKey is not null)
            return byKey;

        // Dotted names (Ns.Class.Method, pkg.module.Class.test_x) and go's "TestX/subtest".
        var method = TestMatcher.MethodOf(test);
        var parts = method.Split('.', '+', '/');
        var name = test.Name.Contains('/') && !test.Name.Contains(' ') ? test.Name.Split('/')[0] : parts[^1];
        var container = parts.Length > 1 ? parts[^2].Split('`')[0] : null;
        var named = spans.Where(s => s.Name == name).ToList();
        return named.FirstOrDefault(s => s.Container == container) ?? (named.Count == 1 ? named[0] : null);
    }

    /// <summary>Existing tests (same key before and after) with fewer assertions after the change than before.</summary>
    public IReadOnlyList<WeakenedTest> Weakened()
    {
        var weakened = new List<WeakenedTest>();
        foreach (var file in _files.Values.Where(f => f.Before is not null && f.After is not null))
        {
            foreach (var old in file.Before!)
            {
                var now = file.After!.FirstOrDefault(s => s.Key == old.Key);
                if (now is null)
                    continue;
                var before = Assertions(old.Source);
                var after = Assertions(now.Source);
                if (after.Count >= before.Count)
                    continue;
                var gone = before.Where(b => !after.Contains(b)).Take(before.Count - after.Count).ToList();
                weakened.Add(new WeakenedTest(file.Path, old.Key, gone.Count > 0 ? gone : before.Take(before.Count - after.Count).ToList()));
            }
        }

        return weakened;
    }

    static List<string> Assertions(string source) => [.. DiffAnalysis.AssertionStatements(source)];

    /// <summary>Whether a test file is one Builder split into tests (so the per-file assertion rule is not needed for it).</summary>
    public bool IsSplit(string path) => _files.TryGetValue(path, out var f) && f.Before is not null && f.After is not null;
}
