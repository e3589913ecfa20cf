namespace Builder.Worker.Verification;

/// <summary>
/// Matches the tests of one run to those of another. A test is the same test when its id is the same;
/// failing that, when it is a case of the same method whose printed arguments changed (a record the
/// change extends prints more fields): such cases are paired within their method, each with the
/// most similar name, so they are neither "deleted" nor "new".
/// </summary>
public static class TestMatcher
{
    /// <summary>For each test of <paramref name="to"/>, the test of <paramref name="from"/> it is.</summary>
    public static IReadOnlyDictionary<string, TestCaseResult> Match(IReadOnlyList<TestCaseResult> from, IReadOnlyList<TestCaseResult> to)
    {
        var fromById = Index(from);
        var toById = Index(to);
        var matched = new Dictionary<string, TestCaseResult>(StringComparer.Ordinal);
        foreach (var id in toById.Keys.Where(fromById.ContainsKey))
            matched[id] = fromById[id];

        var unmatchedFrom = fromById.Values.Where(t => !toById.ContainsKey(t.Id)).ToList();
        var unmatchedTo = toById.Values.Where(t => !fromById.ContainsKey(t.Id)).ToList();
        if (unmatchedFrom.Count == 0 || unmatchedTo.Count == 0)
            return matched;

        foreach (var group in unmatchedTo.GroupBy(MethodOf, StringComparer.Ordinal))
        {
            var candidates = unmatchedFrom.Where(t => MethodOf(t) == group.Key).ToList();
            // A method that was not parameterised (its only id is the method itself) has no cases to pair.
            if (candidates.Count == 0 || candidates.Any(c => c.Id == group.Key) || group.Any(t => t.Id == group.Key))
                continue;
            var pairs = group.SelectMany(t => candidates.Select(c => (To: t, From: c, Score: Similarity(t.Id, c.Id))))
                .OrderByDescending(p => p.Score).ThenBy(p => p.To.Id, StringComparer.Ordinal).ThenBy(p => p.From.Id, StringComparer.Ordinal);
            var taken = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (t, c, _) in pairs)
            {
                if (matched.ContainsKey(t.Id) || !taken.Add(c.Id))
                    continue;
                matched[t.Id] = c;
            }
        }

        return matched;
    }

    /// <summary>The test without its data case: "Ns.Class.Method(x: 1)" → "Ns.Class.Method", "mod.test_x[1-2]" → "mod.test_x".</summary>
    public static string MethodOf(TestCaseResult test)
    {
        if (test.Method is { Length: > 0 } method)
            return method;
        var id = test.Id;
        var hash = id.LastIndexOf(" #", StringComparison.Ordinal);
        if (hash > 0 && int.TryParse(id[(hash + 2)..], out _))
            id = id[..hash];
        if (id.Length > 0 && id[^1] is ')' or ']')
        {
            var open = id.IndexOfAny(['(', '[']);
            if (open > 0)
                return id[..open];
        }

        return id;
    }

    /// <summary>Common prefix and suffix length: arguments that gained a field keep both ends.</summary>
    static int Similarity(string a, string b)
    {
        var prefix = 0;
        while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix])
            prefix++;
        var suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[^(suffix + 1)] == b[^(suffix + 1)])
            suffix++;
        return prefix + suffix;
    }

    /// <summary>A test reported twice (retries, several target frameworks) counts by its worst outcome.</summary>
    public static Dictionary<string, TestCaseResult> Index(IReadOnlyList<TestCaseResult> results) =>
        results.GroupBy(r => r.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.Outcome == TestOutcome.Failed ? 0 : r.Outcome == TestOutcome.Skipped ? 2 : 1).First(), StringComparer.Ordinal);
}
