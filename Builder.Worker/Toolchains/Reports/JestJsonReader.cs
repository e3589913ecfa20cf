using System.Text.Json;
using Builder.Worker.Verification;

namespace Builder.Worker.Toolchains;

/// <summary>
/// Reads jest's --json report, and vitest's json reporter, which writes the same shape. A test is its
/// file plus its describe titles plus its own title: "test/calc.test.js > calc > adds". Its line is
/// the "location" jest writes with --testLocationInResults and vitest with includeTaskLocation (for
/// test.each, the line of the call that names the cases).
/// </summary>
public static class JestJsonReader
{
    public static IReadOnlyList<TestCaseResult> Read(string path, string workspace)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return [];
        }

        using (doc)
        {
            if (!doc.RootElement.TryGetProperty("testResults", out var files) || files.ValueKind != JsonValueKind.Array)
                return [];

            var results = new List<TestCaseResult>();
            foreach (var file in files.EnumerateArray())
            {
                var reported = Str(file, "name");
                var placed = WorkspacePaths.Relative(workspace, reported);
                // An absolute path that cannot be placed would make the id differ between workspaces.
                var relative = placed ?? (reported is null ? null : Path.GetFileName(reported));
                if (!file.TryGetProperty("assertionResults", out var assertions) || assertions.ValueKind != JsonValueKind.Array)
                    continue;

                var inFile = new List<TestCaseResult>();
                foreach (var a in assertions.EnumerateArray())
                {
                    var titles = new List<string>();
                    if (a.TryGetProperty("ancestorTitles", out var ancestors) && ancestors.ValueKind == JsonValueKind.Array)
                        titles.AddRange(ancestors.EnumerateArray().Select(t => t.GetString() ?? ""));
                    titles.Add(Str(a, "title") ?? "");

                    var name = string.Join(" > ", titles);
                    var outcome = Str(a, "status") switch
                    {
                        "passed" => TestOutcome.Passed,
                        "failed" => TestOutcome.Failed,
                        _ => TestOutcome.Skipped,
                    };
                    string? message = null;
                    if (a.TryGetProperty("failureMessages", out var failures) && failures.ValueKind == JsonValueKind.Array && failures.GetArrayLength() > 0)
                        message = ReportXml.Message(StackTrace.StripFrames(failures[0].GetString()));

                    inFile.Add(new TestCaseResult(NodeIdentity.Of(relative, name), name, outcome)
                    {
                        File = placed,
                        Line = Line(a),
                        Message = message,
                        DurationMs = a.TryGetProperty("duration", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetDouble() : null,
                    });
                }

                results.AddRange(TestIdentity.Distinct(inFile));
            }

            return results;
        }
    }

    static int? Line(JsonElement assertion) =>
        assertion.TryGetProperty("location", out var location) && location.ValueKind == JsonValueKind.Object
        && location.TryGetProperty("line", out var line) && line.ValueKind == JsonValueKind.Number && line.TryGetInt32(out var n) && n > 0
            ? n
            : null;

    static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>JavaScript test identity: the file, then the suite titles and the test title.</summary>
public static class NodeIdentity
{
    public static string Of(string? file, string titlePath) =>
        string.IsNullOrEmpty(file) ? TestIdentity.Normalize(titlePath) : $"{file} > {TestIdentity.Normalize(titlePath)}";
}

static class StackTrace
{
    /// <summary>The message part of an error printed with its stack ("    at f (file.js:1:2)" lines dropped).</summary>
    public static string? StripFrames(string? text)
    {
        if (text is null)
            return null;
        var lines = text.Split('\n');
        var kept = lines.TakeWhile(l => !l.TrimStart().StartsWith("at ", StringComparison.Ordinal)).ToList();
        return string.Join('\n', kept.Count > 0 ? kept : lines.Take(1));
    }
}
