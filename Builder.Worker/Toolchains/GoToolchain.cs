using System.Text.RegularExpressions;
using Builder.Core.Domain;
using Builder.Worker.Verification;

namespace Builder.Worker.Toolchains;

/// <summary>
/// Go modules (go.mod): restore downloads every module that building and testing all packages needs;
/// build and test then run with the module proxy off. Results come from `go test -json`.
/// </summary>
public sealed partial class GoToolchain : IToolchain
{
    public const string Report = "go-test.json";

    public string Name => "go";

    public bool Detect(string workspace) => File.Exists(Path.Combine(workspace, "go.mod"));

    public ToolchainCommands Commands(string workspace, RepositorySettings settings)
    {
        // A vendored module builds from vendor/ and needs nothing downloaded; -mod=mod would bypass it.
        var vendored = File.Exists(Path.Combine(workspace, "vendor", "modules.txt"));
        // `go mod download` alone may leave out test-only dependencies of dependencies; listing the
        // packages and their tests fetches exactly what build and test will load.
        var restore = vendored ? null : "GOFLAGS=-mod=mod go mod download && GOFLAGS=-mod=mod go list -deps -test ./... > /dev/null";
        const string offline = "GOPROXY=off ";
        return new ToolchainCommands(Name, restore, offline + "go build ./...",
            $"{offline}go test -json ./... > \"${ToolchainCommands.ReportsVariable}/{Report}\"",
            vendored ? "detected: go.mod (vendored)" : "detected: go.mod")
        {
            Environment = new Dictionary<string, string>
            {
                // Go 1.21+ would download the toolchain a go.mod asks for; there is no network after restore.
                ["GOTOOLCHAIN"] = "local",
                ["GOTELEMETRY"] = "off",
            },
            CacheDirectories =
            [
                new("GOMODCACHE", "go/mod"),
                new("GOCACHE", "go/build") { WritableAfterRestore = true },
            ],
        };
    }

    public bool IsTestFile(string relativePath, string? workspace = null)
    {
        var path = relativePath.Replace('\\', '/');
        return path.EndsWith("_test.go", StringComparison.Ordinal) || WorkspacePaths.Folders(path).Contains("testdata");
    }

    public IReadOnlyList<TestCaseResult> ReadResults(string reportsDirectory, string workspace)
    {
        var report = Path.Combine(reportsDirectory, Report);
        if (!File.Exists(report))
            return [];
        var module = ModulePath(workspace);
        var files = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        return GoTestJsonReader.Read(report, (package, function) =>
        {
            var dir = PackageDir(module, package);
            if (dir is null)
                return null;
            if (!files.TryGetValue(dir, out var functions))
                files[dir] = functions = TestFunctions(workspace, dir);
            return functions.GetValueOrDefault(function) ?? (dir.Length == 0 ? null : dir);
        });
    }

    static string? ModulePath(string workspace)
    {
        var goMod = Path.Combine(workspace, "go.mod");
        return File.Exists(goMod) && ModuleLine().Match(File.ReadAllText(goMod)) is { Success: true } m ? m.Groups[1].Value.Trim('"') : null;
    }

    /// <summary>The repository-relative folder of a package of the root module ("" for the root).</summary>
    static string? PackageDir(string? module, string package)
    {
        if (module is null)
            return null;
        if (package == module)
            return "";
        return package.StartsWith(module + "/", StringComparison.Ordinal) ? package[(module.Length + 1)..] : null;
    }

    /// <summary>Test function name → file, for the _test.go files of one package folder.</summary>
    static Dictionary<string, string> TestFunctions(string workspace, string dir)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var full = Path.Combine(workspace, dir);
        if (!Directory.Exists(full))
            return map;
        foreach (var file in Directory.EnumerateFiles(full, "*_test.go").Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(workspace, file).Replace('\\', '/');
            foreach (Match m in TestFunction().Matches(File.ReadAllText(file)))
                map.TryAdd(m.Groups[1].Value, relative);
        }

        return map;
    }

    [GeneratedRegex(@"^module\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex ModuleLine();

    [GeneratedRegex(@"^func\s+((?:Test|Benchmark|Example|Fuzz)\w*)\s*\(", RegexOptions.Multiline)]
    private static partial Regex TestFunction();
}
