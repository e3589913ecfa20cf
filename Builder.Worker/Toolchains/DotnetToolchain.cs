using Builder.Core.Domain;
using Builder.Worker.Verification;

namespace Builder.Worker.Toolchains;

/// <summary>
/// .NET: a solution (root or one folder down), else the test projects (else the first project).
/// Test results come from TRX. Older repositories get help to run on this machine's SDK and runtime:
/// test hosts roll forward to the installed major version, a framework the machine can run is picked
/// when test projects target several, and a global.json pinning an SDK that is not installed is
/// stepped around.
/// </summary>
public sealed class DotnetToolchain : IToolchain
{
    public string Name => "dotnet";

    public bool Detect(string workspace) => DotnetProjects.Solutions(workspace).Count > 0 || DotnetProjects.Projects(workspace).Count > 0;

    public ToolchainCommands Commands(string workspace, RepositorySettings settings)
    {
        var solution = DotnetProjects.Solutions(workspace).FirstOrDefault();
        var projects = solution is not null
            ? DotnetProjects.SolutionProjects(workspace, solution).Select(p => DotnetProjects.Read(workspace, p)).ToList()
            : DotnetProjects.Projects(workspace).Select(p => DotnetProjects.Read(workspace, p)).ToList();
        var testProjects = projects.Where(p => p.IsTest).ToList();

        // Without a solution `dotnet test` takes one project at a time: every test project is a target.
        IReadOnlyList<string> targets = solution is not null ? [solution]
            : testProjects.Count > 0 ? testProjects.Select(p => p.Path).ToList()
            : projects.Take(1).Select(p => p.Path).ToList();
        if (targets.Count == 0)
            return ToolchainCommands.None("no .NET solution or project found");

        var framework = settings.TargetFramework ?? ChooseFramework(testProjects, DotnetProjects.NewestRuntimeMajor);
        var pinned = DotnetProjects.UnsatisfiedSdkPin(workspace);

        // A global.json is looked up from the working directory: running from / lets the installed
        // SDK build a repository that pins one this machine does not have. Paths become absolute.
        var prefix = pinned is null ? "" : "ws=\"$PWD\" && cd / && ";
        string Target(string path) => pinned is null ? Quote(path) : $"\"$ws/{path}\"";

        var toolRestore = File.Exists(Path.Combine(workspace, ".config", "dotnet-tools.json")) ? "dotnet tool restore && " : "";
        var restore = prefix + toolRestore + string.Join(" && ", targets.Select(t => $"dotnet restore {Target(t)} -p:NuGetAudit=false"));
        var build = prefix + string.Join(" && ", targets.Select(t => $"dotnet build {Target(t)} --no-restore -nologo -p:NuGetAudit=false"));
        var frameworkArgument = framework is null ? "" : $" -f {framework}";
        var testCommands = targets.Select(t =>
            $"dotnet test {Target(t)} --no-build -nologo{frameworkArgument} --logger trx --results-directory \"${ToolchainCommands.ReportsVariable}\"").ToList();
        // Every test project runs even when an earlier one fails; the exit code says whether any failed.
        var test = prefix + (testCommands.Count == 1 ? testCommands[0] : "rc=0; " + string.Join("; ", testCommands.Select(c => $"{c} || rc=$?")) + "; exit $rc");

        var source = $"detected: {string.Join(", ", targets)}"
                     + (framework is null ? "" : $"; framework {framework}")
                     + (pinned is null ? "" : $"; global.json pins SDK {pinned}, which is not installed: run from outside the repository");
        return new ToolchainCommands(Name, restore, build, test, source)
        {
            Environment = Environment,
            CacheDirectories = [new("NUGET_PACKAGES", "nuget/packages"), new("NUGET_HTTP_CACHE_PATH", "nuget/http-cache")],
        };
    }

    static readonly IReadOnlyDictionary<string, string> Environment = new Dictionary<string, string>
    {
        // Test projects written for an older .NET than the one installed run on the installed one.
        ["DOTNET_ROLL_FORWARD"] = "Major",
        // A package source that only has a higher version than the one asked for resolves upward with
        // NU1603 (and NU1608 when that crosses an upper bound); a repository that treats warnings as
        // errors would fail on our registry, not on its code. As a variable rather than -p, the
        // repository's own WarningsNotAsErrors still applies: a project that sets the property
        // overrides a variable, and one that appends to it ($(WarningsNotAsErrors);...) keeps ours too.
        ["WarningsNotAsErrors"] = "NU1603;NU1608",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        ["DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE"] = "1",
        ["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false",
        ["NUGET_XMLDOC_MODE"] = "skip",
        // Build servers would outlive the sandboxed command.
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
        ["UseSharedCompilation"] = "false",
    };

    /// <summary>
    /// When a test project targets several frameworks, the newest one every test project has and this
    /// machine can run; null to let each project run all of its own.
    /// </summary>
    public static string? ChooseFramework(IReadOnlyList<DotnetProject> testProjects, int newestRuntimeMajor)
    {
        if (testProjects.Count == 0 || testProjects.Any(p => p.Frameworks is null) || testProjects.All(p => p.Frameworks!.Count <= 1))
            return null;

        // `dotnet test -f` applies to every test project, so it must be one they all target.
        var common = testProjects.Skip(1).Aggregate(
            new HashSet<string>(testProjects[0].Frameworks!, StringComparer.OrdinalIgnoreCase),
            (set, p) => { set.IntersectWith(p.Frameworks!); return set; });
        return common.Where(f => DotnetProjects.IsRunnable(f, newestRuntimeMajor))
            .OrderByDescending(DotnetProjects.FrameworkVersion)
            .FirstOrDefault();
    }

    public bool IsTestFile(string relativePath, string? workspace = null)
    {
        var path = relativePath.Replace('\\', '/');
        var fileName = Path.GetFileNameWithoutExtension(path);
        var source = Path.GetExtension(path) is ".cs" or ".fs" or ".vb";
        if (WorkspacePaths.Folders(path).Any(IsTestFolder) || source && DotnetProjects.HasTestName(fileName))
            return true;
        if (workspace is null)
            return false;

        // The nearest project file above the file decides.
        for (var dir = Path.GetDirectoryName(path); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            var project = DotnetProjectIn(workspace, dir);
            if (project is not null)
                return DotnetProjects.Read(workspace, project).IsTest;
        }

        return false;
    }

    static bool IsTestFolder(string folder) =>
        folder.Equals("test", StringComparison.OrdinalIgnoreCase) || folder.Equals("tests", StringComparison.OrdinalIgnoreCase)
        || folder.EndsWith("Tests", StringComparison.Ordinal) || folder.EndsWith("Test", StringComparison.Ordinal)
        || folder.EndsWith("Specs", StringComparison.Ordinal) || folder.EndsWith(".Spec", StringComparison.Ordinal)
        || folder.EndsWith(".tests", StringComparison.OrdinalIgnoreCase);

    static string? DotnetProjectIn(string workspace, string relativeDir)
    {
        var dir = Path.Combine(workspace, relativeDir);
        if (!Directory.Exists(dir))
            return null;
        var project = new[] { "*.csproj", "*.fsproj", "*.vbproj" }.SelectMany(p => Directory.EnumerateFiles(dir, p)).Order(StringComparer.Ordinal).FirstOrDefault();
        return project is null ? null : Path.GetRelativePath(workspace, project);
    }

    public IReadOnlyList<TestCaseResult> ReadResults(string reportsDirectory, string workspace)
    {
        if (!Directory.Exists(reportsDirectory))
            return [];
        var classes = new CSharpClassIndex(workspace);
        return TestIdentity.Merge(Directory.EnumerateFiles(reportsDirectory, "*.trx", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(trx => TrxReader.Read(trx, classes.FileOf)));
    }

    static string Quote(string path) => path.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '&' or ';' or '(' or ')') ? $"'{path.Replace("'", "'\\''")}'" : path;
}
