namespace Builder.Worker.Sandbox;

/// <summary>
/// Runs one command of a feature run (restore, build, test) isolated from the host: only the
/// workspace (and the binds named in the request) is writable, and the network is reachable only
/// when the request asks for it (dependency restore).
/// </summary>
public interface ISandbox
{
    /// <summary>"bubblewrap", "docker" or "process".</summary>
    string Name { get; }

    Task<SandboxResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken, Action<string>? onLine = null);
}

/// <summary>What to run and within which limits.</summary>
public sealed record SandboxRequest(string Command, string Workspace)
{
    /// <summary>The container image to run in (a repository's environment image); null for the sandbox's default.</summary>
    public string? Image { get; init; }

    /// <summary>Only dependency restore may reach the network.</summary>
    public bool Network { get; init; }

    /// <summary>
    /// With <see cref="Network"/>: the hosts the command may reach, through Builder's egress proxy
    /// as its only way out. Null leaves the host's network open to it.
    /// </summary>
    public Builder.Core.Policy.EgressPolicy? Egress { get; init; }

    /// <summary>
    /// A loopback port the command serves on (a deployed service): reachable from the host at the
    /// same port while the command keeps its own network namespace, unless <see cref="Network"/> shares the host's.
    /// </summary>
    public int? ListenPort { get; init; }

    /// <summary>Told at once of each host and port <see cref="Egress"/> refuses (a long-running service cannot wait for its result).</summary>
    public Action<Egress.EgressDenial>? OnEgressDenied { get; init; }

    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Host directories visible read-only inside (package caches during build and test).</summary>
    public IReadOnlyList<string> ReadOnlyBinds { get; init; } = [];

    /// <summary>Host directories writable inside besides the workspace (package caches during restore, the test report folder).</summary>
    public IReadOnlyList<string> WritableBinds { get; init; } = [];

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(15);
    public long MemoryBytes { get; init; } = 4L * 1024 * 1024 * 1024;
    public int MaxProcesses { get; init; } = 512;
    public int MaxOutputChars { get; init; } = 4 * 1024 * 1024;

    /// <summary>Open files per process (RLIMIT_NOFILE, soft and hard): a descriptor leak ends in EMFILE, not in the host's table.</summary>
    public int MaxOpenFiles { get; init; } = 4096;

    /// <summary>The largest file a process may write (RLIMIT_FSIZE): one runaway file cannot fill the worker's disk.</summary>
    public long MaxFileBytes { get; init; } = 4L * 1024 * 1024 * 1024;

    /// <summary>CPUs the run may use at once (a cgroup CFS quota: throttled, not stopped); null for no quota.</summary>
    public double? CpuCores { get; init; }

    /// <summary>Bytes the run may add to its workspace and writable binds together; past it the run is stopped ("disk"). Null for no limit.</summary>
    public long? MaxDiskBytes { get; init; }

    /// <summary>CPU time per process (RLIMIT_CPU); null leaves only the wall-clock timeout.</summary>
    public TimeSpan? MaxCpuTime { get; init; }
}

/// <summary>
/// How the command ended. <see cref="LimitHit"/> names the limit that stopped it ("timeout",
/// "memory", "processes", "file size", "cpu time"), and <see cref="Notices"/> says what isolation could not be applied on
/// this host (e.g. "cgroups unavailable: no memory limit") so the run's events can show it.
/// </summary>
public sealed record SandboxResult(int ExitCode, string Output, TimeSpan Duration)
{
    public string? LimitHit { get; init; }
    public IReadOnlyList<string> Notices { get; init; } = [];

    /// <summary>Connections the egress policy refused, each host and port once.</summary>
    public IReadOnlyList<Egress.EgressDenial> EgressDenied { get; init; } = [];

    public bool TimedOut => LimitHit == "timeout";
    public bool Succeeded => ExitCode == 0 && LimitHit is null;

    public string Tail(int lines = 40) => string.Join('\n', Output.TrimEnd().Split('\n').TakeLast(lines));

    /// <summary>
    /// The distinct error lines of the output (MSBuild, NuGet and compiler codes, npm, gcc/go/rustc
    /// style), at most <paramref name="max"/>: what a failure's message should start with, ahead of
    /// the command and a tail where warnings may crowd them out.
    /// </summary>
    public IReadOnlyList<string> ErrorLines(int max = 8) => FailureLines.Errors(Output, max);
}
