using System.Text.Json;
using Builder.Worker.Verification;

namespace Builder.Worker.Toolchains;

/// <summary>
/// Reads the JSON lines Builder's reporter for node's built-in runner writes (see
/// <see cref="NodeToolchain.Reporter"/>): one line per finished test or suite, in the order node
/// reports them, children before their parent. Node 20's own junit reporter leaves out the test file,
/// so two files with a test of the same name could not be told apart.
/// </summary>
public static class NodeTestEventsReader
{
    sealed record Event(string Kind, string Name, int Nesting, string? File, string? Skip, bool Todo, bool Suite, string? Error, double? DurationMs);

    sealed class Pending(Event leaf)
    {
        public Event Leaf { get; } = leaf;
        public List<string> Path { get; } = [leaf.Name];
        public int Nesting { get; set; } = leaf.Nesting;
    }

    public static IReadOnlyList<TestCaseResult> Read(string path, string workspace)
    {
        var events = new List<Event>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var e = doc.RootElement;
                events.Add(new Event(
                    Str(e, "event") ?? "",
                    Str(e, "name") ?? "",
                    e.TryGetProperty("nesting", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetInt32() : 0,
                    Str(e, "file"),
                    e.TryGetProperty("skip", out var s) && s.ValueKind is JsonValueKind.String or JsonValueKind.True ? s.ValueKind == JsonValueKind.True ? "" : s.GetString() : null,
                    e.TryGetProperty("todo", out var t) && t.ValueKind is JsonValueKind.String or JsonValueKind.True,
                    Str(e, "type") == "suite",
                    Str(e, "error"),
                    e.TryGetProperty("duration", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetDouble() : null));
            }
            catch (JsonException)
            {
                // A line cut short by a killed run.
            }
        }

        // Files run in parallel and their events interleave, but each file's own events keep their order.
        var results = new List<TestCaseResult>();
        foreach (var file in events.GroupBy(e => e.File ?? ""))
        {
            // An absolute path that cannot be placed would make the id differ between workspaces.
            var placed = WorkspacePaths.Relative(workspace, file.Key);
            var relative = placed ?? (file.Key.Length > 0 ? Path.GetFileName(file.Key) : null);
            results.AddRange(TestIdentity.Distinct(Leaves(file).Select(p => ToResult(p, file.Key, relative) with { File = placed })));
        }

        return results;
    }

    /// <summary>
    /// Rebuilds the tree: an event closes every still unclaimed result nested deeper than itself, which
    /// are its children. Only leaves are tests; a parent that failed while none of its children did
    /// (a failing hook, or a file that did not load) is reported as a failed test itself.
    /// </summary>
    static List<Pending> Leaves(IEnumerable<Event> events)
    {
        var open = new List<Pending>();
        foreach (var e in events)
        {
            var firstChild = open.FindIndex(p => p.Nesting > e.Nesting);
            var children = firstChild < 0 ? [] : open.GetRange(firstChild, open.Count - firstChild);
            foreach (var child in children)
            {
                child.Path.Insert(0, e.Name);
                child.Nesting = e.Nesting;
            }

            var failedAlone = e.Kind == "test:fail" && !e.Todo && !children.Any(c => c.Leaf.Kind == "test:fail");
            if (children.Count == 0 && !e.Suite || failedAlone)
                open.Add(new Pending(e) { Nesting = e.Nesting });
        }

        return open;
    }

    static TestCaseResult ToResult(Pending p, string reportedFile, string? file)
    {
        // A file that fails to load is reported as a test named by its absolute path.
        var name = string.Join(" > ", p.Path.Select(n => n == reportedFile && file is not null ? file : n));
        var outcome = p.Leaf.Skip is not null || p.Leaf.Todo ? TestOutcome.Skipped
            : p.Leaf.Kind == "test:fail" ? TestOutcome.Failed
            : TestOutcome.Passed;
        return new TestCaseResult(NodeIdentity.Of(file, name), name, outcome)
        {
            File = file,
            Message = outcome == TestOutcome.Failed ? ReportXml.Message(p.Leaf.Error) : p.Leaf.Skip is { Length: > 0 } reason ? reason : null,
            DurationMs = p.Leaf.DurationMs,
        };
    }

    static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
