namespace Builder.Worker.Toolchains;

/// <summary>A test project Builder restores, builds and tests, and for which framework.</summary>
/// <param name="Framework">
/// Given to build and test as <c>-f</c>; null when the project has a single framework or its
/// frameworks come from an MSBuild expression (then it runs all of its own).
/// </param>
/// <param name="RestoresOnlyFramework">Restore is narrowed to <paramref name="Framework"/> (see <see cref="DotnetRestoreNarrowing"/>).</param>
/// <param name="BuildsNoNetFramework">
/// The project is built for one known .NET (Core) framework, so no .NET Framework target of it or of
/// what it references is ever built: their reference packs need not be restored.
/// </param>
public sealed record DotnetTestTarget(string Project, string? Framework, bool RestoresOnlyFramework, bool BuildsNoNetFramework = false);

/// <summary>Which framework of a test project runs here, and why the others do not.</summary>
/// <param name="Framework">The framework to run; null when the project has one framework or an unknown set.</param>
/// <param name="Runnable">False when none of the project's frameworks can run on this machine.</param>
/// <param name="Skipped">The frameworks left out, each with the reason.</param>
public sealed record DotnetFrameworkChoice(string? Framework, bool Runnable, IReadOnlyList<string> Skipped);

/// <summary>
/// What a .NET repository's tests need: the test projects (of the solution, else of the workspace)
/// each with one framework this machine runs, and, through their project references, the projects
/// built with them. Whatever no test project reaches is left out: real solutions carry samples and
/// legacy projects whose packages or targeting packs are not to be had, and they say nothing about
/// the tests.
/// </summary>
public sealed class DotnetTestPlan
{
    public required IReadOnlyList<DotnetTestTarget> Targets { get; init; }

    /// <summary>How many test projects were found, including those that cannot run here.</summary>
    public required int TestProjectCount { get; init; }

    /// <summary>What was left out and why, one entry per project or kind of omission.</summary>
    public required IReadOnlyList<string> Notices { get; init; }

    /// <param name="projects">The solution's projects, or every project found when there is no solution.</param>
    /// <param name="settingsFramework">The repository's chosen framework, which wins over the choice made here.</param>
    public static DotnetTestPlan For(string workspace, IReadOnlyList<string> projects, string? settingsFramework, int newestRuntimeMajor)
    {
        var read = new Dictionary<string, DotnetProject>(StringComparer.Ordinal);
        DotnetProject Read(string path) => read.TryGetValue(path, out var p) ? p : read[path] = DotnetProjects.Read(workspace, path);

        var testProjects = projects.Select(Read).Where(p => p.IsTest).ToList();
        var notices = new List<string>();
        var runnable = new List<(DotnetProject Project, DotnetFrameworkChoice Choice)>();
        foreach (var project in testProjects)
        {
            var choice = settingsFramework is null
                ? ChooseFramework(project.Frameworks, newestRuntimeMajor)
                : new DotnetFrameworkChoice(settingsFramework, true, []);
            if (!choice.Runnable)
                notices.Add($"not tested: {project.Path}: no framework it targets runs here: {string.Join(", ", choice.Skipped)}");
            else
                runnable.Add((project, choice));
            if (choice.Runnable && choice.Skipped.Count > 0)
                notices.Add($"{project.Path}: tested on {choice.Framework} only; not built: {string.Join(", ", choice.Skipped)}");
        }

        var reached = Reach(runnable.Select(r => r.Project.Path), Read);
        var referencedByTests = runnable.SelectMany(r => r.Project.References).ToHashSet(StringComparer.Ordinal);
        var targets = runnable.Select(r => new DotnetTestTarget(
            r.Project.Path,
            r.Choice.Framework,
            // Narrowing a project that another test project references could leave out the framework
            // that one builds it for.
            RestoresOnlyFramework: r.Choice.Framework is not null && r.Project.Frameworks is { Count: > 1 } frameworks
                && frameworks.Contains(r.Choice.Framework, StringComparer.OrdinalIgnoreCase)
                && !referencedByTests.Contains(r.Project.Path)
                && DotnetRestoreNarrowing.CanName(r.Project.Path),
            BuildsNoNetFramework: (r.Choice.Framework ?? (r.Project.Frameworks is [var only] ? only : null)) is { } built
                && DotnetProjects.IsRunnable(built, newestRuntimeMajor))).ToList();

        var unreached = projects.Where(p => !reached.Contains(p) && !testProjects.Any(t => t.Path == p)).ToList();
        if (targets.Count > 0 && unreached.Count > 0)
            notices.Add($"not built: {string.Join(", ", unreached)} (no test project references {(unreached.Count == 1 ? "it" : "them")})");

        return new DotnetTestPlan { Targets = targets, TestProjectCount = testProjects.Count, Notices = notices };
    }

    /// <summary>The projects and everything they reference, transitively.</summary>
    static HashSet<string> Reach(IEnumerable<string> roots, Func<string, DotnetProject> read)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(roots);
        while (pending.TryPop(out var path))
        {
            if (!reached.Add(path))
                continue;
            foreach (var reference in read(path).References)
                pending.Push(reference);
        }

        return reached;
    }

    /// <summary>
    /// The newest framework of a test project that this machine runs. One is enough to judge a change
    /// by its tests, and the others could not all be built here anyway (.NET Framework reference packs,
    /// Mono and OS-specific targets, runtimes newer than the installed one).
    /// </summary>
    public static DotnetFrameworkChoice ChooseFramework(IReadOnlyList<string>? frameworks, int newestRuntimeMajor)
    {
        if (frameworks is null)
            return new DotnetFrameworkChoice(null, true, []);

        var chosen = frameworks.Where(f => DotnetProjects.IsRunnable(f, newestRuntimeMajor))
            .OrderByDescending(DotnetProjects.FrameworkVersion)
            .FirstOrDefault();
        var skipped = frameworks.Where(f => f != chosen).Select(f => $"{f} ({WhyNot(f, chosen, newestRuntimeMajor)})").ToList();
        return chosen is null ? new DotnetFrameworkChoice(null, false, skipped)
            : frameworks.Count == 1 ? new DotnetFrameworkChoice(null, true, [])
            : new DotnetFrameworkChoice(chosen, true, skipped);
    }

    static string WhyNot(string framework, string? chosen, int newestRuntimeMajor)
    {
        if (DotnetProjects.IsRunnable(framework, newestRuntimeMajor))
            return $"{chosen} is newer";
        if (framework.Contains('-', StringComparison.Ordinal))
            return "OS-specific";
        if (DotnetProjects.FrameworkVersion(framework).Major > newestRuntimeMajor)
            return $"newer than the installed .NET {newestRuntimeMajor}";
        return framework.StartsWith("netstandard", StringComparison.OrdinalIgnoreCase) ? "not a runtime"
            : framework.StartsWith("net", StringComparison.OrdinalIgnoreCase) && !framework.Contains('.', StringComparison.Ordinal) ? ".NET Framework"
            : "not .NET (Core)";
    }
}
