using System.Text.RegularExpressions;
using Builder.Core.Domain;
using Builder.Worker.Verification;

namespace Builder.Worker.Toolchains;

/// <summary>
/// A Makefile with build and/or test targets: `make build`, `make test`. Make says nothing about
/// single tests, so results come from any JUnit XML the command wrote: into $BUILDER_REPORTS_DIR, or
/// at a well-known place in the workspace (**/TEST-*.xml, **/*junit*.xml, test-results/**/*.xml)
/// written during this run. Without one, the exit code stands for a single test
/// (<see cref="ToolchainCommands.ExitCodeTestId"/>, see <see cref="CommandDetector.ReadResults"/>).
/// </summary>
public sealed partial class MakeToolchain : IToolchain
{
    static readonly string[] MakefileNames = ["GNUmakefile", "Makefile", "makefile"];
    static readonly string[] WellKnownReports = ["**/TEST-*.xml", "**/*junit*.xml", "test-results/**/*.xml"];

    /// <summary>Written by the test command before make runs: reports older than it are left over from an earlier run.</summary>
    public const string StartMarker = ".make-test-started";

    public string Name => "make";

    public bool Detect(string workspace) => Targets(workspace) is { } targets && (targets.Contains("build") || targets.Contains("test"));

    public ToolchainCommands Commands(string workspace, RepositorySettings settings)
    {
        var targets = Targets(workspace) ?? new HashSet<string>();
        var makefile = MakefileNames.First(f => File.Exists(Path.Combine(workspace, f)));
        var test = targets.Contains("test") ? $": > \"${ToolchainCommands.ReportsVariable}/{StartMarker}\"; make test" : null;
        return new ToolchainCommands(Name, null, targets.Contains("build") ? "make build" : null, test, $"detected: {makefile} targets")
        {
            ExitCodeTestId = test is null ? null : "make test",
        };
    }

    /// <summary>The targets the makefile defines, or null without a makefile.</summary>
    public static IReadOnlySet<string>? Targets(string workspace)
    {
        var makefile = MakefileNames.Select(f => Path.Combine(workspace, f)).FirstOrDefault(File.Exists);
        if (makefile is null)
            return null;
        return TargetLine().Matches(File.ReadAllText(makefile))
            .SelectMany(m => m.Groups[1].Value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.Ordinal);
    }

    public bool IsTestFile(string relativePath, string? workspace = null) =>
        WorkspacePaths.Folders(relativePath.Replace('\\', '/')).Any(f => f is "test" or "tests");

    public IReadOnlyList<TestCaseResult> ReadResults(string reportsDirectory, string workspace)
    {
        var reports = Directory.Exists(reportsDirectory)
            ? Directory.EnumerateFiles(reportsDirectory, "*.xml", SearchOption.AllDirectories).ToList()
            : [];
        var marker = Path.Combine(reportsDirectory, StartMarker);
        if (File.Exists(marker))
        {
            // Only reports this run wrote: a repository may well have old ones committed.
            var started = File.GetLastWriteTimeUtc(marker).AddSeconds(-1);
            reports.AddRange(WellKnownReports.SelectMany(g => WorkspacePaths.Glob(workspace, g))
                .Where(f => File.GetLastWriteTimeUtc(f) >= started));
        }

        return TestIdentity.Merge(reports.Distinct().Order(StringComparer.Ordinal)
            .Where(JUnitReader.IsJUnit)
            .Select(f => TestIdentity.Distinct(JUnitReader.Read(f).Select(c => JUnitReader.ToResult(c, workspace)))));
    }

    // "build test: deps" or "test::"; not variable assignments ("X := 1") nor special targets.
    [GeneratedRegex(@"^([A-Za-z0-9_][A-Za-z0-9_./-]*(?:[ \t]+[A-Za-z0-9_][A-Za-z0-9_./-]*)*)[ \t]*::?(?!=)", RegexOptions.Multiline)]
    private static partial Regex TargetLine();
}
