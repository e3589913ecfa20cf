namespace Builder.Worker.Toolchains;

/// <summary>
/// How to restore, build and test a repository, and where that knowledge came from. A null command is
/// a step with nothing to do. Only <see cref="Restore"/> may use the network: it must fetch everything
/// build and test need.
/// </summary>
public sealed record ToolchainCommands(string Toolchain, string? Restore, string? Build, string? Test, string Source)
{
    /// <summary>The variable through which the test command learns the (absolute) folder to write its report into.</summary>
    public const string ReportsVariable = "BUILDER_REPORTS_DIR";

    public static ToolchainCommands None(string source) => new("unknown", null, null, null, source);

    /// <summary>Variables for all three steps (roll-forward, telemetry off, ...); the repository's settings win.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Package caches worth keeping between runs, each set through a variable to a folder of a cache root.</summary>
    public IReadOnlyList<CacheDirectory> CacheDirectories { get; init; } = [];

    /// <summary>
    /// Extra report files (globs relative to the workspace, e.g. "build/test-results/**/*.xml") read
    /// besides the ones the test command writes into the reports folder.
    /// </summary>
    public IReadOnlyList<string> TestReportPaths { get; init; } = [];

    /// <summary>
    /// Set when the test command may write no per-test report (make, an unrecognised npm test script,
    /// a command from the settings): without a report its exit code stands for a single test with this id.
    /// </summary>
    public string? ExitCodeTestId { get; init; }

    /// <summary>
    /// What detection chose to leave out and why, in words for the run's events (a target framework
    /// this machine cannot build, a project outside the tests' reach); never a failure.
    /// </summary>
    public IReadOnlyList<string> Notices { get; init; } = [];

    /// <summary>
    /// Everything the three steps need in their environment: <see cref="Environment"/>, each cache
    /// folder under <paramref name="cacheRoot"/> (when given) and the reports folder.
    /// </summary>
    public IReadOnlyDictionary<string, string> EnvironmentFor(string reportsDirectory, string? cacheRoot)
    {
        var environment = new Dictionary<string, string>(Environment, StringComparer.Ordinal);
        if (cacheRoot is not null)
        {
            foreach (var cache in CacheDirectories)
                environment[cache.Variable] = Path.Combine(cacheRoot, cache.Folder);
        }

        environment[ReportsVariable] = reportsDirectory;
        return environment;
    }
}

/// <summary>
/// A cache folder: <see cref="Variable"/> points the tool at <see cref="Folder"/> under the cache
/// root. Restore fills it; build and test only read it unless <see cref="WritableAfterRestore"/>
/// (Go's build cache is written by every build).
/// </summary>
public sealed record CacheDirectory(string Variable, string Folder)
{
    public bool WritableAfterRestore { get; init; }
}
