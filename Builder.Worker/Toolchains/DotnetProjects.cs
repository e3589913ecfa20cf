using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Builder.Worker.Toolchains;

/// <summary>A project file as far as test selection cares: is it a test project, for which frameworks, what it needs.</summary>
/// <param name="Frameworks">The target frameworks (see <see cref="DotnetFrameworkProperty"/>), or null when they come from an MSBuild expression it does not evaluate.</param>
public sealed record DotnetProject(string Path, bool IsTest, IReadOnlyList<string>? Frameworks)
{
    /// <summary>The projects it references, relative to the workspace; references built from MSBuild expressions are left out.</summary>
    public IReadOnlyList<string> References { get; init; } = [];
}

/// <summary>Reads .NET solutions and projects without MSBuild: enough to pick targets and a framework.</summary>
public static partial class DotnetProjects
{
    static readonly string[] SolutionPatterns = ["*.sln", "*.slnx"];
    static readonly string[] ProjectPatterns = ["*.csproj", "*.fsproj", "*.vbproj"];

    /// <summary>Solutions at the root or one folder down (src/App.sln), ordered root first.</summary>
    public static IReadOnlyList<string> Solutions(string workspace) => Find(workspace, SolutionPatterns, 1);

    /// <summary>Projects at the root or up to two folders down (src/App/App.csproj).</summary>
    public static IReadOnlyList<string> Projects(string workspace) => Find(workspace, ProjectPatterns, 2);

    static List<string> Find(string workspace, string[] patterns, int maxDepth) =>
        patterns.SelectMany(p => WorkspacePaths.Files(workspace, p, maxDepth))
            .Select(f => System.IO.Path.GetRelativePath(workspace, f).Replace('\\', '/'))
            .OrderBy(f => f.Count(c => c == '/'))
            .ThenBy(f => f, StringComparer.Ordinal)
            .ToList();

    /// <summary>The projects a solution lists, relative to the workspace.</summary>
    public static IReadOnlyList<string> SolutionProjects(string workspace, string solution)
    {
        var text = File.ReadAllText(System.IO.Path.Combine(workspace, solution));
        var matches = solution.EndsWith(".slnx", StringComparison.OrdinalIgnoreCase) ? SlnxProject().Matches(text) : SlnProject().Matches(text);
        var dir = System.IO.Path.GetDirectoryName(solution) ?? "";
        return matches
            .Select(m => System.IO.Path.GetRelativePath(workspace, System.IO.Path.GetFullPath(System.IO.Path.Combine(workspace, dir, m.Groups[1].Value.Replace('\\', '/')))).Replace('\\', '/'))
            .Where(p => File.Exists(System.IO.Path.Combine(workspace, p)))
            .ToList();
    }

    public static DotnetProject Read(string workspace, string project)
    {
        var full = System.IO.Path.Combine(workspace, project);
        var text = File.Exists(full) ? File.ReadAllText(full) : "";
        var props = BuildProps(workspace, System.IO.Path.GetDirectoryName(full)!);
        var name = System.IO.Path.GetFileNameWithoutExtension(project);

        var isTest = TestMarker().IsMatch(text) || props.Any(p => TestMarker().IsMatch(p)) || HasTestName(name);
        // Imported first (the outermost Directory.Build.props), the project last: later values win.
        var frameworks = DotnetFrameworkProperty.Evaluate([.. Enumerable.Reverse(props), text]);
        return new DotnetProject(project, isTest, frameworks)
        {
            References = References(workspace, project, text),
        };
    }

    static List<string> References(string workspace, string project, string text)
    {
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.Combine(workspace, project))!;
        return ProjectReference().Matches(text)
            .Select(m => m.Groups[1].Value.Trim())
            .Where(r => !r.Contains("$(", StringComparison.Ordinal))
            .Select(r => System.IO.Path.GetRelativePath(workspace, System.IO.Path.GetFullPath(System.IO.Path.Combine(dir, r.Replace('\\', '/')))).Replace('\\', '/'))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Test, Tests, Spec, Specs as the last word (case matters: "Latest" is not a test).</summary>
    public static bool HasTestName(string name) =>
        name.EndsWith("Tests", StringComparison.Ordinal) || name.EndsWith("Test", StringComparison.Ordinal)
        || name.EndsWith("Specs", StringComparison.Ordinal) || name.EndsWith("Spec", StringComparison.Ordinal)
        || name.EndsWith(".tests", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".test", StringComparison.OrdinalIgnoreCase);

    /// <summary>Directory.Build.props files from the project's folder up to the workspace root, nearest first.</summary>
    static List<string> BuildProps(string workspace, string directory)
    {
        var root = System.IO.Path.GetFullPath(workspace).TrimEnd('/');
        var found = new List<string>();
        for (var dir = System.IO.Path.GetFullPath(directory); dir.StartsWith(root, StringComparison.Ordinal); dir = System.IO.Path.GetDirectoryName(dir)!)
        {
            var props = System.IO.Path.Combine(dir, "Directory.Build.props");
            if (File.Exists(props))
                found.Add(File.ReadAllText(props));
            if (dir.Length <= root.Length)
                break;
        }

        return found;
    }

    /// <summary>
    /// Whether this machine can run tests built for a framework: any .NET (Core) not newer than the
    /// newest installed runtime (older ones roll forward); never .NET Framework or an OS-specific one.
    /// </summary>
    public static bool IsRunnable(string framework, int newestRuntimeMajor)
    {
        var m = ModernFramework().Match(framework);
        return m.Success && (m.Groups[1].Value == "netcoreapp" || int.Parse(m.Groups[2].Value) is >= 5 and var major && major <= newestRuntimeMajor);
    }

    public static Version FrameworkVersion(string framework) =>
        ModernFramework().Match(framework) is { Success: true } m ? new Version(int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value)) : new Version(0, 0);

    static readonly Lazy<int> NewestRuntime = new(() =>
    {
        var majors = DotnetInfo("--list-runtimes")
            .Where(l => l.StartsWith("Microsoft.NETCore.App ", StringComparison.Ordinal))
            .Select(l => int.TryParse(l.Split(' ')[1].Split('.')[0], out var major) ? major : 0)
            .ToList();
        return majors.Count > 0 ? majors.Max() : Environment.Version.Major;
    });

    static readonly Lazy<IReadOnlyList<string>> InstalledSdks = new(() =>
        DotnetInfo("--list-sdks").Select(l => l.Split(' ')[0]).Where(v => v.Length > 0).ToList());

    /// <summary>The major version of the newest .NET runtime installed here.</summary>
    public static int NewestRuntimeMajor => NewestRuntime.Value;

    static IReadOnlyList<string> DotnetInfo(string argument)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("dotnet", argument) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (process is null)
                return [];
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit(30_000);
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return [];
        }
    }

    /// <summary>
    /// The SDK a global.json at the root pins when no installed SDK satisfies it (old repositories pin
    /// the SDK they were written with), else null.
    /// </summary>
    public static string? UnsatisfiedSdkPin(string workspace) => UnsatisfiedSdkPin(workspace, InstalledSdks.Value);

    public static string? UnsatisfiedSdkPin(string workspace, IReadOnlyList<string> installed)
    {
        var path = System.IO.Path.Combine(workspace, "global.json");
        if (!File.Exists(path))
            return null;

        string? version, rollForward;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (!doc.RootElement.TryGetProperty("sdk", out var sdk) || sdk.ValueKind != JsonValueKind.Object)
                return null;
            version = sdk.TryGetProperty("version", out var v) ? v.GetString() : null;
            rollForward = sdk.TryGetProperty("rollForward", out var r) ? r.GetString() : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }

        if (version is null || !TryParseSdk(version, out var wanted))
            return null;
        var policy = (rollForward ?? "latestPatch").ToLowerInvariant();
        var satisfied = installed.Any(i => TryParseSdk(i, out var have) && policy switch
        {
            "disable" => have == wanted,
            "patch" or "latestpatch" => have.Major == wanted.Major && have.Minor == wanted.Minor && have.Band == wanted.Band && have.Patch >= wanted.Patch,
            "feature" or "latestfeature" => have.Major == wanted.Major && have.Minor == wanted.Minor && (have.Band, have.Patch).CompareTo((wanted.Band, wanted.Patch)) >= 0,
            "minor" or "latestminor" => have.Major == wanted.Major && (have.Minor, have.Band, have.Patch).CompareTo((wanted.Minor, wanted.Band, wanted.Patch)) >= 0,
            _ => (have.Major, have.Minor, have.Band, have.Patch).CompareTo((wanted.Major, wanted.Minor, wanted.Band, wanted.Patch)) >= 0,
        });
        return satisfied ? null : version;
    }

    static bool TryParseSdk(string text, out (int Major, int Minor, int Band, int Patch) version)
    {
        version = default;
        var parts = text.Split('-')[0].Split('.');
        if (parts.Length != 3 || !int.TryParse(parts[0], out var major) || !int.TryParse(parts[1], out var minor) || !int.TryParse(parts[2], out var patch))
            return false;
        version = (major, minor, patch / 100, patch % 100);
        return true;
    }

    [GeneratedRegex(@"Project\(""\{[^}]+\}""\)\s*=\s*""[^""]*""\s*,\s*""([^""]+\.(?:cs|fs|vb)proj)""", RegexOptions.IgnoreCase)]
    private static partial Regex SlnProject();

    [GeneratedRegex(@"<Project\s[^>]*Path=""([^""]+\.(?:cs|fs|vb)proj)""", RegexOptions.IgnoreCase)]
    private static partial Regex SlnxProject();

    [GeneratedRegex(@"Microsoft\.NET\.Test\.Sdk|<IsTestProject>\s*true|MSTest\.Sdk", RegexOptions.IgnoreCase)]
    private static partial Regex TestMarker();

    [GeneratedRegex(@"<ProjectReference\s[^>]*Include=""([^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex ProjectReference();

    [GeneratedRegex(@"^(net|netcoreapp)(\d+)\.(\d+)$")]
    private static partial Regex ModernFramework();
}
