using System.Text;

namespace Builder.Worker.PullRequests;

public enum FileChange
{
    Added,
    Modified,
    Deleted,
    Renamed,
}

public sealed record ChangedFile(string Path, FileChange Change = FileChange.Modified);

/// <param name="Integrity">The test-integrity verdict in words, e.g. "intact" or what was weakened.</param>
public sealed record VerificationSummary(int Passed, int Failed, int Skipped, string? Integrity)
{
    /// <summary>The tests that prove the change: they fail on the base and pass with it.</summary>
    public IReadOnlyList<string> FailToPass { get; init; } = [];

    /// <summary>New or changed tests that already passed on the base (regression guards).</summary>
    public IReadOnlyList<string> NewPassing { get; init; } = [];
}

/// <summary>What a pull request's description tells a reviewer.</summary>
/// <param name="PublicUrl">Builder's public address ("Builder:PublicUrl"); without it the run is named but not linked.</param>
public sealed record PullRequestBodyInput(Guid FeatureId, string? PlanSummary, IReadOnlyList<ChangedFile> Files, VerificationSummary? Verification, string? PublicUrl);

/// <summary>Builds the Markdown description of a pull or merge request. Pure: same input, same text.</summary>
public static class PullRequestBody
{
    /// <summary>Beyond this many files the list says how many more; a reviewer reads the diff for those.</summary>
    public const int MaxFilesListed = 100;

    /// <summary>Below GitHub's limit of 65,536 characters for a pull request body (GitLab allows more).</summary>
    public const int MaxLength = 60_000;

    public static string Build(PullRequestBodyInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var main = new StringBuilder();
        main.Append("## Summary\n\n");
        main.Append(string.IsNullOrWhiteSpace(input.PlanSummary) ? "_No plan summary._" : Normalize(input.PlanSummary).Trim()).Append("\n\n");

        main.Append($"## Files changed ({input.Files.Count})\n\n");
        if (input.Files.Count == 0)
            main.Append("_None._\n");
        foreach (var file in input.Files.Take(MaxFilesListed))
            main.Append("- ").Append(CodeSpan(file.Path)).Append(file.Change == FileChange.Modified ? "" : $" ({file.Change.ToString().ToLowerInvariant()})").Append('\n');
        if (input.Files.Count > MaxFilesListed)
            main.Append($"- …and {input.Files.Count - MaxFilesListed} more\n");

        main.Append("\n## Verification\n\n");
        if (input.Verification is { } v)
        {
            main.Append($"- Tests: {v.Passed} passed, {v.Failed} failed, {v.Skipped} skipped\n");
            main.Append("- Test integrity: ").Append(string.IsNullOrWhiteSpace(v.Integrity) ? "not checked" : OneLine(v.Integrity)).Append('\n');
            TestList(main, "Fail without the change, pass with it", v.FailToPass);
            TestList(main, "New, already passing", v.NewPassing);
        }
        else
        {
            main.Append("_Not verified._\n");
        }

        var footer = Footer(input);
        // Cut the reviewer-facing part, never the footer: the link back to the run must survive.
        const string cut = "\n\n_…cut to fit the host's limit; the run has the rest._";
        var room = MaxLength - footer.Length;
        var text = main.Length <= room ? main.ToString() : main.ToString(0, room - cut.Length) + cut;
        return text + footer;
    }

    /// <summary>The run's page in Builder, or null when the public address is not configured.</summary>
    public static string? RunUrl(string? publicUrl, Guid featureId) =>
        string.IsNullOrWhiteSpace(publicUrl) ? null : $"{publicUrl.Trim().TrimEnd('/')}/features/{featureId}";

    const int MaxTestsListed = 10;

    static void TestList(StringBuilder main, string title, IReadOnlyList<string> tests)
    {
        if (tests.Count == 0)
            return;
        main.Append("- ").Append(title).Append(": ")
            .Append(string.Join(", ", tests.Take(MaxTestsListed).Select(t => CodeSpan(OneLine(t)))))
            .Append(tests.Count > MaxTestsListed ? $" and {tests.Count - MaxTestsListed} more" : "")
            .Append('\n');
    }

    static string Footer(PullRequestBodyInput input)
    {
        var url = RunUrl(input.PublicUrl, input.FeatureId);
        var run = url is null ? $"Builder run `{input.FeatureId}`" : $"[Builder run {input.FeatureId}]({url})";
        // The marker lets Builder, or a person, tell its requests apart whatever their title became.
        return $"\n---\n\nOpened by {run}.\n\n<!-- builder-feature: {input.FeatureId} -->\n";
    }

    static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    static string OneLine(string text) => string.Join(' ', Normalize(text).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>A path as inline code, even when it holds backticks (git allows almost any byte in a name).</summary>
    static string CodeSpan(string path)
    {
        var text = Normalize(path).Replace('\n', ' ');
        var longest = 0;
        for (int i = 0, run = 0; i < text.Length; i++)
        {
            run = text[i] == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }
        var fence = new string('`', longest + 1);
        var pad = text.StartsWith('`') || text.EndsWith('`') ? " " : "";
        return $"{fence}{pad}{text}{pad}{fence}";
    }
}
