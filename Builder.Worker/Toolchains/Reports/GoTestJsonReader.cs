using System.Text;
using System.Text.Json;
using Builder.Worker.Verification;

namespace Builder.Worker.Toolchains;

/// <summary>
/// Reads `go test -json` (test2json) output. A test is its package plus its name, subtests included:
/// "example.com/calc/calc.TestTable/one_plus_one". A test with subtests is not itself a test unless it
/// failed while none of its subtests did.
/// </summary>
public static class GoTestJsonReader
{
    sealed class Test(string package, string name)
    {
        public string Package { get; } = package;
        public string Name { get; } = name;
        public string? Action { get; set; }
        public double? Elapsed { get; set; }
        public StringBuilder Output { get; } = new();
    }

    /// <param name="fileOf">Maps (package, test function) to the repository-relative file, when known.</param>
    public static IReadOnlyList<TestCaseResult> Read(string path, Func<string, string, string?>? fileOf = null)
    {
        var tests = new Dictionary<(string, string), Test>();
        var order = new List<Test>();
        var failedPackages = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            if (!line.StartsWith('{'))
                continue;
            JsonElement e;
            try
            {
                using var doc = JsonDocument.Parse(line);
                e = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                continue;
            }

            var package = Str(e, "Package") ?? "";
            var action = Str(e, "Action");
            if (Str(e, "Test") is not { } name)
            {
                if (action == "fail")
                    failedPackages.Add(package);
                continue;
            }

            if (!tests.TryGetValue((package, name), out var test))
            {
                tests[(package, name)] = test = new Test(package, name);
                order.Add(test);
            }

            switch (action)
            {
                case "output":
                    test.Output.Append(Str(e, "Output"));
                    break;
                case "pass" or "fail" or "skip":
                    test.Action = action;
                    test.Elapsed = e.TryGetProperty("Elapsed", out var el) && el.ValueKind == JsonValueKind.Number ? el.GetDouble() : null;
                    break;
            }
        }

        // Every test's ancestors, with whether any of their subtests failed.
        var parents = new Dictionary<(string, string), bool>();
        foreach (var test in order)
        {
            for (var slash = test.Name.IndexOf('/'); slash > 0; slash = test.Name.IndexOf('/', slash + 1))
            {
                var key = (test.Package, test.Name[..slash]);
                parents[key] = parents.GetValueOrDefault(key) || test.Action == "fail";
            }
        }

        var results = new List<TestCaseResult>();
        foreach (var test in order)
        {
            // A test left running when its package failed (panic, timeout) did not pass.
            var outcome = test.Action switch
            {
                "pass" => TestOutcome.Passed,
                "skip" => TestOutcome.Skipped,
                "fail" => TestOutcome.Failed,
                _ => failedPackages.Contains(test.Package) ? TestOutcome.Failed : TestOutcome.Skipped,
            };
            if (parents.TryGetValue((test.Package, test.Name), out var subtestFailed) && !(outcome == TestOutcome.Failed && !subtestFailed))
                continue;

            var function = test.Name.Split('/')[0];
            results.Add(new TestCaseResult($"{test.Package}.{TestIdentity.Normalize(test.Name)}", test.Name, outcome)
            {
                File = fileOf?.Invoke(test.Package, function),
                Message = outcome == TestOutcome.Passed ? null : ReportXml.Message(Message(test.Output.ToString())),
                DurationMs = test.Elapsed * 1000,
            });
        }

        return TestIdentity.Distinct(results);
    }

    /// <summary>What the test logged, without the runner's own "=== RUN" / "--- FAIL" lines.</summary>
    static string Message(string output) => string.Join('\n', output.Split('\n')
        .Where(l => !l.StartsWith("=== ", StringComparison.Ordinal) && !l.TrimStart().StartsWith("--- ", StringComparison.Ordinal))
        .Select(l => l.Trim())
        .Where(l => l.Length > 0));

    static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
