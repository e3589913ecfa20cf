using System.Text.RegularExpressions;
using Builder.Core.Domain;

namespace Builder.Worker.Toolchains;

/// <summary>How to build and test a repository, and where that knowledge came from.</summary>
public sealed record BuildCommands(string Toolchain, string? Build, string? Test, string Source);

/// <summary>
/// Detects the build and test commands from the repository's files; the repository's settings win
/// over detection.
/// </summary>
public static partial class CommandDetector
{
    public static BuildCommands Detect(string workspace, RepositorySettings settings)
    {
        var detected = DetectFromFiles(workspace);
        if (settings.BuildCommand is null && settings.TestCommand is null)
            return detected;

        return new BuildCommands(detected.Toolchain, settings.BuildCommand ?? detected.Build, settings.TestCommand ?? detected.Test,
            "repository settings");
    }

    static BuildCommands DetectFromFiles(string workspace)
    {
        var makefile = new[] { "GNUmakefile", "Makefile", "makefile" }.Select(f => Path.Combine(workspace, f)).FirstOrDefault(File.Exists);
        if (makefile is not null)
        {
            var targets = MakeTarget().Matches(File.ReadAllText(makefile)).Select(m => m.Groups[1].Value).ToHashSet();
            if (targets.Contains("build") || targets.Contains("test"))
                return new BuildCommands("make", targets.Contains("build") ? "make build" : null, targets.Contains("test") ? "make test" : null,
                    $"detected: {Path.GetFileName(makefile)} targets");
        }

        var solution = Find(workspace, "*.sln", "*.slnx") ?? Find(workspace, "*.csproj", "*.fsproj");
        if (solution is not null)
        {
            var target = Quote(Path.GetRelativePath(workspace, solution));
            return new BuildCommands("dotnet", $"dotnet build {target} -nologo", $"dotnet test {target} -nologo", $"detected: {Path.GetRelativePath(workspace, solution)}");
        }

        return new BuildCommands("unknown", null, null, "nothing detected");
    }

    /// <summary>A solution or project at the root, else one level down (src/App.sln).</summary>
    static string? Find(string workspace, params string[] patterns)
    {
        foreach (var depth in new[] { SearchOption.TopDirectoryOnly, SearchOption.AllDirectories })
        {
            var found = patterns
                .SelectMany(p => Directory.EnumerateFiles(workspace, p, new EnumerationOptions { RecurseSubdirectories = depth == SearchOption.AllDirectories, MaxRecursionDepth = 1 }))
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}.git{Path.DirectorySeparatorChar}"))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (found.Count > 0)
                return found[0];
        }

        return null;
    }

    static string Quote(string path) => path.Contains(' ') ? $"\"{path}\"" : path;

    [GeneratedRegex(@"^([A-Za-z0-9_.-]+)\s*:(?!=)", RegexOptions.Multiline)]
    private static partial Regex MakeTarget();
}
