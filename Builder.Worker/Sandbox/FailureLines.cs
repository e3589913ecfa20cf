using System.Text.RegularExpressions;

namespace Builder.Worker.Sandbox;

/// <summary>Picks the lines of a command's output that say why it failed.</summary>
public static partial class FailureLines
{
    public static IReadOnlyList<string> Errors(string output, int max)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.Trim();
            if (!ErrorLine().IsMatch(line))
                continue;
            // MSBuild prints each error twice, the second time in its summary with the project appended.
            var key = ProjectSuffix().Replace(line, "");
            if (seen.Add(key) && errors.Count < max)
                errors.Add(key.Length > 400 ? key[..400] + "…" : key);
        }

        return errors;
    }

    /// <summary>Shows the first errors and how many more there are, or null when there are none.</summary>
    public static string? Summary(IReadOnlyList<string> errors, string output) =>
        errors.Count == 0 ? null : string.Join('\n', errors) + (Errors(output, int.MaxValue).Count is var all && all > errors.Count ? $"\n(and {all - errors.Count} more)" : "");

    [GeneratedRegex(@"(\berror [A-Z]{2,}\d+\s*:|: error(\[E\d+\])?: |^error(\[E\d+\])?: |^npm (ERR!|error) |^FAIL\s)")]
    private static partial Regex ErrorLine();

    [GeneratedRegex(@"\s+\[[^\[\]]+\.(cs|fs|vb)proj(::[^\]]*)?\]$")]
    private static partial Regex ProjectSuffix();
}
