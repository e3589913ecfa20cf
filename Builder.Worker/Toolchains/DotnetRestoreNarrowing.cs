using System.Text;

namespace Builder.Worker.Toolchains;

/// <summary>
/// Restores a multi-target test project for the one framework that will run, leaving the projects it
/// references with all of theirs.
/// </summary>
/// <remarks>
/// Restoring every framework fails on targets this machine cannot build even when the one that runs
/// is fine: Android or iOS need workloads (NETSDK1147), and net4x-only packages may not be on the
/// package source. (.NET Framework reference packs are on it, so net48 alone would restore, build, and
/// still not run.) <c>dotnet restore -p:TargetFramework=F</c> does narrow the test project, but a
/// command-line property reaches every project in the restore graph: a netstandard2.0-only library is
/// then restored for F alone and its build fails with NETSDK1005. Project extension targets in obj/
/// are not imported while restoring, so the narrowing goes in through
/// <c>CustomAfterMicrosoftCommonCrossTargetingTargets</c>: that property reaches every project too,
/// but the file it names only changes the test projects it names by path. Build and test then pass
/// <c>-f F</c>, which evaluates the test project for F directly and picks each referenced project's
/// nearest framework, so the file is only needed during restore.
/// </remarks>
public static class DotnetRestoreNarrowing
{
    const string Variable = "builder_frameworks";
    const string Delimiter = "BUILDER_FRAMEWORKS";

    /// <summary>The restore argument that applies the narrowing; only valid inside <see cref="Wrap"/>.</summary>
    public const string Argument = $" -p:CustomAfterMicrosoftCommonCrossTargetingTargets=\"${Variable}\"";

    /// <summary>Whether a project path can be written into the MSBuild condition as it is.</summary>
    public static bool CanName(string path) => !path.Any(c => c is '\'' or '"' or '$' or '%' or '@' or ';' or '<' or '>' or '&' or '\n');

    /// <summary>
    /// The restore commands with the narrowing file written first (into the sandbox's own /tmp) and
    /// removed after; the commands' exit code stays the result.
    /// </summary>
    public static string Wrap(string restoreCommands, IEnumerable<DotnetTestTarget> narrowed) =>
        $"{Variable}=\"$(mktemp --suffix=.targets)\" && cat > \"${Variable}\" <<'{Delimiter}' && {restoreCommands}; rc=$?; rm -f \"${Variable}\"; exit $rc\n"
        + TargetsFile(narrowed) + Delimiter;

    public static string TargetsFile(IEnumerable<DotnetTestTarget> narrowed)
    {
        var file = new StringBuilder("<Project>\n");
        foreach (var target in narrowed)
        {
            // Matched by the end of the path: the workspace sits at a different place in the sandbox.
            file.Append($"  <PropertyGroup Condition=\"$(MSBuildProjectFullPath.Replace('\\', '/').EndsWith('/{target.Project}'))\">\n")
                .Append($"    <TargetFrameworks>{target.Framework}</TargetFrameworks>\n")
                .Append("  </PropertyGroup>\n");
        }

        return file.Append("</Project>\n").ToString();
    }
}
