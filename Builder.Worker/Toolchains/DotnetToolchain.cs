using Builder.Core.Domain;
using Builder.Worker.Verification;

namespace Builder.Worker.Toolchains;

/// <summary>
/// .NET: the test projects of a solution (root or one folder down), else of the workspace, each built
/// and tested on its own with the projects it references; without test projects, the solution (else
/// the first project). Test results come from TRX. Older repositories get help to run on this
/// machine's SDK and runtime: test hosts roll forward to the installed major version, a multi-target
/// test project runs for the newest framework the machine can run, and a global.json pinning an SDK
/// that is not installed is stepped around.
/// </summary>
public sealed class DotnetToolchain : IToolchain
{
    public string Name => "dotnet";

    public bool Detect(string workspace) => DotnetProjects.Solutions(workspace).Count > 0 || DotnetProjects.Projects(workspace).Count > 0;

    public ToolchainCommands Commands(string workspace, RepositorySettings settings)
    {
        var solution = DotnetProjects.Solutions(workspace).FirstOrDefault();
        var projects = solution is not null ? DotnetProjects.SolutionProjects(workspace, solution) : DotnetProjects.Projects(workspace);
        var plan = DotnetTestPlan.For(workspace, projects, settings.TargetFramework, DotnetProjects.NewestRuntimeMajor);

        if (plan.Targets.Count == 0 && plan.TestProjectCount > 0)
            return ToolchainCommands.None("no .NET test project this machine can run") with { Toolchain = Name, Notices = plan.Notices };

        // Without test projects there is nothing to narrow to: building everything still checks the change.
        IReadOnlyList<DotnetTestTarget> targets = plan.Targets.Count > 0 ? plan.Targets
            : solution is not null ? [new DotnetTestTarget(solution, null, false)]
            : projects.Take(1).Select(p => new DotnetTestTarget(p, null, false)).ToList();
        if (targets.Count == 0)
            return ToolchainCommands.None("no .NET solution or project found");

        var pinned = DotnetProjects.UnsatisfiedSdkPin(workspace);

        // A global.json is looked up from the working directory: running from / lets the installed
        // SDK build a repository that pins one this machine does not have. Paths become absolute.
        var prefix = pinned is null ? "" : "ws=\"$PWD\" && cd / && ";
        string Target(string path) => pinned is null ? Quote(path) : $"\"$ws/{path}\"";
        static string Framework(DotnetTestTarget t) => t.Framework is null ? "" : $" -f {t.Framework}";

        var narrowed = targets.Where(t => t.RestoresOnlyFramework).ToList();
        var narrowing = narrowed.Count > 0 ? DotnetRestoreNarrowing.Argument : "";
        var toolRestore = File.Exists(Path.Combine(workspace, ".config", "dotnet-tools.json")) ? "dotnet tool restore && " : "";
        var restores = toolRestore + string.Join(" && ", targets.Select(t => $"dotnet restore {Target(t.Project)} -p:NuGetAudit=false{narrowing}"));
        var restore = prefix + (narrowed.Count > 0 ? DotnetRestoreNarrowing.Wrap(restores, narrowed) : restores);
        var build = prefix + string.Join(" && ", targets.Select(t => $"dotnet build {Target(t.Project)} --no-restore -nologo{Framework(t)} -p:NuGetAudit=false"));
        var testCommands = targets.Select(t =>
            $"dotnet test {Target(t.Project)} --no-build -nologo{Framework(t)} --logger trx --results-directory \"${ToolchainCommands.ReportsVariable}\"").ToList();
        // Every test project runs even when an earlier one fails; the exit code says whether any failed.
        var test = prefix + (testCommands.Count == 1 ? testCommands[0] : "rc=0; " + string.Join("; ", testCommands.Select(c => $"{c} || rc=$?")) + "; exit $rc");

        var source = $"detected: {(solution is null ? "" : $"{solution}: ")}{string.Join(", ", targets.Select(t => t.Project + (t.Framework is null ? "" : $" ({t.Framework})")))}"
                     + (pinned is null ? "" : $"; global.json pins SDK {pinned}, which is not installed: run from outside the repository");
        return new ToolchainCommands(Name, restore, build, test, source)
        {
            // The SDK adds a .NET Framework reference pack (Microsoft.NETFramework.ReferenceAssemblies.net47...)
            // to every net4x target off Windows; the package source may lack it, and a library's net47
            // target would then fail the restore of tests that never build it. As a variable, a project
            // that sets the property itself keeps its own value.
            Environment = targets.All(t => t.BuildsNoNetFramework) ? WithoutReferencePacks : Environment,
            CacheDirectories = [new("NUGET_PACKAGES", "nuget/packages"), new("NUGET_HTTP_CACHE_PATH", "nuget/http-cache")],
            Notices = plan.Notices,
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
        // Resolving upward can also make a nearer dependency ask for less than a farther one now needs
        // (A 1.0.1 missing, 1.0.3 taken, which needs C >= 10.0.11 while B asks C >= 10.0.10): NU1605,
        // which the SDK always makes an error and WarningsNotAsErrors cannot lift. As a base value the
        // repository's own NoWarn appends to ($(NoWarn);...); 1701;1702 (C#) and 41999... (VB) are the SDK's defaults, which a
        // set variable would otherwise replace.
        ["NoWarn"] = "1701;1702;41999;42016;42017;42018;42019;42020;42021;42022;42032;42036;NU1605",
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

    static readonly IReadOnlyDictionary<string, string> WithoutReferencePacks =
        new Dictionary<string, string>(Environment) { ["AutomaticallyUseReferenceAssemblyPackages"] = "false" };

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
