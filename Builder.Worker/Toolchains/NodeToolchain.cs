using System.Text.Json;
using System.Text.RegularExpressions;
using Builder.Core.Domain;
using Builder.Worker.Verification;

namespace Builder.Worker.Toolchains;

/// <summary>
/// Node.js (package.json): npm restores, `npm run build` builds, and the test runner (node's built-in
/// one, jest, vitest or mocha) runs directly with a machine-readable report; see
/// <see cref="NodeTestScript"/> for why not `npm test`, and <see cref="NodeRunnerWrapper"/> for how
/// the report options reach the runner without reaching the tests.
/// </summary>
public sealed partial class NodeToolchain : IToolchain
{
    public string Name => "node";

    public bool Detect(string workspace) => File.Exists(Path.Combine(workspace, "package.json"));

    public ToolchainCommands Commands(string workspace, RepositorySettings settings)
    {
        var package = PackageJson.Read(Path.Combine(workspace, "package.json"));
        var locked = File.Exists(Path.Combine(workspace, "package-lock.json")) || File.Exists(Path.Combine(workspace, "npm-shrinkwrap.json"));
        // Without a lock file npm would write one into the repository. A lock file out of step with
        // package.json makes `npm ci` refuse; the repository's tests still deserve a run, so npm then
        // resolves from package.json alone.
        const string install = "npm install --no-audit --no-fund --no-package-lock";
        var restore = locked ? $"npm ci --no-audit --no-fund || {install}" : install;
        var build = package.Scripts.ContainsKey("build") ? "npm run build" : null;

        var (test, source, exitCodeOnly) = TestCommand(workspace, package);
        return new ToolchainCommands(Name, restore, build, test, source)
        {
            Environment = Environment,
            CacheDirectories = [new("npm_config_cache", "npm")],
            ExitCodeTestId = exitCodeOnly ? test : null,
        };
    }

    static (string? Command, string Source, bool ExitCodeOnly) TestCommand(string workspace, PackageJson package)
    {
        // Scripts run with the package's binaries on PATH; so does the runner run directly.
        const string path = "export PATH=\"$PWD/node_modules/.bin:$PATH\"; ";
        var script = package.Scripts.GetValueOrDefault("test");
        if (script is not null && !Placeholder().IsMatch(script))
        {
            if (NodeTestScript.Rewrite(script, package.Scripts) is { } run)
                return (path + run.Shell, $"detected: package.json test script ({run.Runner})", false);
            return ("npm test", "detected: package.json test script (runner not recognised: its exit code stands for one test)", true);
        }

        var runner = new[] { "jest", "vitest", "mocha" }.FirstOrDefault(package.Dependencies.Contains);
        if (runner is not null)
            return (path + NodeTestScript.Default(runner).Shell, $"detected: {runner} in package.json dependencies", false);
        if (HasNodeTestFiles(workspace))
            return (path + NodeTestScript.Default("node").Shell, "detected: test files for node --test", false);
        return (null, "detected: package.json without tests", false);
    }

    static readonly IReadOnlyDictionary<string, string> Environment = new Dictionary<string, string>
    {
        ["npm_config_update_notifier"] = "false",
        ["npm_config_fund"] = "false",
        ["npm_config_audit"] = "false",
        // Colour codes would end up in failure messages.
        ["NO_COLOR"] = "1",
        ["FORCE_COLOR"] = "0",
    };

    /// <summary>The files node --test finds by default (Node 20).</summary>
    static bool HasNodeTestFiles(string workspace) =>
        WorkspacePaths.Files(workspace, "*.*js", 6).Any(f => NodeTestFile().IsMatch(Path.GetRelativePath(workspace, f).Replace('\\', '/')));

    public bool IsTestFile(string relativePath, string? workspace = null)
    {
        var path = relativePath.Replace('\\', '/');
        var name = Path.GetFileName(path);
        return TestFileName().IsMatch(name)
               || WorkspacePaths.Folders(path).Any(f => f is "__tests__" or "__mocks__" or "__snapshots__" or "test" or "tests" or "spec" or "specs" or "e2e");
    }

    public IReadOnlyList<TestCaseResult> ReadResults(string reportsDirectory, string workspace)
    {
        if (!Directory.Exists(reportsDirectory))
            return [];
        var reports = new List<IReadOnlyList<TestCaseResult>>();
        foreach (var file in Directory.EnumerateFiles(reportsDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (file.EndsWith(".jsonl", StringComparison.Ordinal))
                reports.Add(NodeTestEventsReader.Read(file, workspace));
            else if (file.EndsWith(".json", StringComparison.Ordinal))
                reports.Add(JestJsonReader.Read(file, workspace));
            else if (file.EndsWith(".xml", StringComparison.Ordinal) && JUnitReader.IsJUnit(file))
                reports.Add(ReadJUnit(file, workspace));
        }

        return TestIdentity.Merge(reports);
    }

    /// <summary>
    /// JavaScript JUnit flavours: mocha names the file and puts the suite titles in classname, vitest
    /// puts the file in classname and the titles in name, node's junit reporter nests suites.
    /// All become "file > suite > test".
    /// </summary>
    public static IReadOnlyList<TestCaseResult> ReadJUnit(string path, string workspace) =>
        TestIdentity.Distinct(JUnitReader.Read(path).Select(c =>
        {
            string? file;
            IEnumerable<string> titles;
            if (c.File is not null)
            {
                file = WorkspacePaths.Relative(workspace, c.File) ?? Path.GetFileName(c.File);
                titles = c.ClassName.Length > 0 ? [c.ClassName, c.Name] : [c.Name];
            }
            else if (ScriptFile().IsMatch(c.ClassName))
            {
                file = WorkspacePaths.Relative(workspace, c.ClassName) ?? c.ClassName;
                titles = [c.Name];
            }
            else
            {
                file = null;
                titles = [.. c.Suites.Where(s => !ScriptFile().IsMatch(s) && s is not ("Mocha Tests" or "vitest tests")), c.Name];
            }

            var name = string.Join(" > ", titles);
            return new TestCaseResult(NodeIdentity.Of(file, name), name, c.Outcome)
            {
                File = file is not null && File.Exists(Path.Combine(workspace, file)) ? file : null,
                Message = c.Message,
                DurationMs = c.DurationMs,
            };
        }));

    [GeneratedRegex(@"no test specified", RegexOptions.IgnoreCase)]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"(^|/)(test/.*\.[cm]?js|[^/]*[.\-_]test\.[cm]?js|test-[^/]*\.[cm]?js|test\.[cm]?js)$")]
    private static partial Regex NodeTestFile();

    [GeneratedRegex(@"(\.|-|_)(test|spec)\.[a-z]+$|^test[.-]")]
    private static partial Regex TestFileName();

    [GeneratedRegex(@"\.(?:[cm]?[jt]sx?)$")]
    private static partial Regex ScriptFile();
}

/// <summary>The parts of package.json that detection reads.</summary>
public sealed record PackageJson(IReadOnlyDictionary<string, string> Scripts, IReadOnlySet<string> Dependencies)
{
    public static PackageJson Read(string path)
    {
        var scripts = new Dictionary<string, string>(StringComparer.Ordinal);
        var dependencies = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                return new PackageJson(scripts, dependencies);
            if (doc.RootElement.TryGetProperty("scripts", out var s) && s.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in s.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
                    scripts[p.Name] = p.Value.GetString()!;
            }

            foreach (var section in new[] { "dependencies", "devDependencies" })
            {
                if (doc.RootElement.TryGetProperty(section, out var d) && d.ValueKind == JsonValueKind.Object)
                    dependencies.UnionWith(d.EnumerateObject().Select(p => p.Name));
            }
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            // An unreadable package.json detects as one without scripts; npm itself will say what is wrong.
        }

        return new PackageJson(scripts, dependencies);
    }
}
