using System.Globalization;
using System.Text.RegularExpressions;
using Builder.Worker.Verification;

namespace Builder.Worker.Toolchains;

/// <summary>
/// Keeps a test's identity stable across runs. Runners print data-case arguments differently from one
/// version (or one run) to the next: object addresses, float round-trip digits, spacing. A
/// parameterised test whose arguments print differently must not look like a deleted test plus a new one.
/// </summary>
public static partial class TestIdentity
{
    /// <summary>
    /// Normalises a data case (or any test name part that carries arguments): object addresses, hashes
    /// and GUIDs are blanked, floats are printed with 15 significant digits, whitespace is collapsed.
    /// </summary>
    public static string Normalize(string text)
    {
        var s = Guid().Replace(text, "<guid>");
        s = HexAddress().Replace(s, "<addr>");
        s = ObjectHash().Replace(s, "@<hash>");
        s = Float().Replace(s, m => double.TryParse(m.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value.ToString("G15", CultureInfo.InvariantCulture)
            : m.Value);
        s = Whitespace().Replace(s, " ").Trim();
        s = SpaceAfterOpen().Replace(s, "$1");
        s = SpaceBeforeClose().Replace(s, "$1");
        return s;
    }

    /// <summary>
    /// The id of a test given its fully qualified name and the data case its runner printed (empty
    /// when not parameterised): "Ns.Class.Method" + "(x: 1)".
    /// </summary>
    public static string Of(string fullyQualifiedName, string? dataCase)
    {
        var data = string.IsNullOrWhiteSpace(dataCase) ? "" : Normalize(dataCase);
        if (data.Length == 0)
            return fullyQualifiedName;
        return data[0] is '(' or '[' ? fullyQualifiedName + data : $"{fullyQualifiedName} {data}";
    }

    /// <summary>
    /// Within one report two results may end up with the same id (two data rows that differ only in an
    /// address): the later ones get " #2", " #3" in report order rather than vanish.
    /// </summary>
    public static IReadOnlyList<TestCaseResult> Distinct(IEnumerable<TestCaseResult> results)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var list = new List<TestCaseResult>();
        foreach (var result in results)
        {
            var count = seen.GetValueOrDefault(result.Id) + 1;
            seen[result.Id] = count;
            list.Add(count == 1 ? result : result with { Id = $"{result.Id} #{count}" });
        }

        return list;
    }

    /// <summary>
    /// Merges several reports of one run (one per test project and target framework): a test reported
    /// more than once counts as failed if any report failed it, else passed if any passed it.
    /// </summary>
    public static IReadOnlyList<TestCaseResult> Merge(IEnumerable<IReadOnlyList<TestCaseResult>> reports)
    {
        var merged = new Dictionary<string, TestCaseResult>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var result in reports.SelectMany(r => r))
        {
            if (!merged.TryGetValue(result.Id, out var existing))
            {
                merged[result.Id] = result;
                order.Add(result.Id);
            }
            else if (Rank(result.Outcome) > Rank(existing.Outcome))
            {
                merged[result.Id] = result;
            }
        }

        return order.Select(id => merged[id]).ToList();
    }

    static int Rank(TestOutcome outcome) => outcome switch
    {
        TestOutcome.Failed => 2,
        TestOutcome.Passed => 1,
        _ => 0,
    };

    [GeneratedRegex(@"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")]
    private static partial Regex Guid();

    [GeneratedRegex(@"\b0x[0-9a-fA-F]{4,}\b")]
    private static partial Regex HexAddress();

    // Java-style identity hashes: Foo@1b6d3586.
    [GeneratedRegex(@"(?<=[\w$])@[0-9a-f]{5,8}\b")]
    private static partial Regex ObjectHash();

    // A decimal or exponent number standing alone: not part of an identifier or a version like 1.2.3.
    [GeneratedRegex(@"(?<![\w.])[-+]?(?:\d+\.\d+(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+)(?![\w.])")]
    private static partial Regex Float();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"([(\[{]) ")]
    private static partial Regex SpaceAfterOpen();

    [GeneratedRegex(@" ([)\]},])")]
    private static partial Regex SpaceBeforeClose();
}
