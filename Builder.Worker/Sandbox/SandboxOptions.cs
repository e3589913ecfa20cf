using System.ComponentModel.DataAnnotations;

namespace Builder.Worker.Sandbox;

public enum SandboxKind
{
    /// <summary>bubblewrap if it works here, else Docker if an engine answers, else the process runner if allowed.</summary>
    Auto,
    Bubblewrap,
    Docker,
    Process,
}

/// <summary>Configuration section <c>Builder:Sandbox</c>; see docs/decisions/0007-sandbox.md.</summary>
public sealed class SandboxOptions : IValidatableObject
{
    public const string Section = "Builder:Sandbox";

    public SandboxKind Kind { get; set; } = SandboxKind.Auto;

    /// <summary>Lets <see cref="SandboxKind.Auto"/> fall back to a plain process, which isolates nothing.</summary>
    public bool AllowUnsafeProcess { get; set; }

    /// <summary>The PATH commands see; the worker's own PATH may name folders the sandbox hides.</summary>
    [Required]
    public string SearchPath { get; set; } = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    // --- bubblewrap ---

    [Required]
    public string BubblewrapPath { get; set; } = "bwrap";

    /// <summary>
    /// Who runs sandboxed commands when the worker is root: a user name (created as a system user
    /// at start when missing), "uid:gid", or "worker" for the worker's own uid with no
    /// capabilities (which still reads every root-owned file the sandbox does not hide). Defaults
    /// to "builder-sandbox". The workspace and writable binds are handed to that user before each command.
    /// </summary>
    [RegularExpression(@"^(\d+:\d+|[a-z_][a-z0-9_-]{0,31})$", ErrorMessage = "RunAs must be a user name, \"uid:gid\" (e.g. \"65534:65534\") or \"worker\".")]
    public string? RunAs { get; set; }

    /// <summary>Host folders or files the commands must not see, besides the built-in ones and the worker's own folders.</summary>
    public List<string> HiddenPaths { get; set; } = [];

    /// <summary>Host folders visible read-only although under a hidden folder (e.g. a toolchain in /root/.dotnet).</summary>
    public List<string> ReadOnlyPaths { get; set; } = [];

    /// <summary>Memory and process limits through cgroup v1; off only to measure or on hosts that misbehave.</summary>
    public bool UseCgroups { get; set; } = true;

    /// <summary>
    /// Where per-run cgroups are created in each controller's hierarchy: a relative path is nested
    /// under the worker's own cgroup (so the worker's own limits still cover its commands), an
    /// absolute one is taken from the hierarchy's root.
    /// </summary>
    [Required]
    public string CgroupParent { get; set; } = "builder";

    /// <summary>
    /// Restore reaches only its toolchain's package registries (plus <see cref="AllowedHosts"/> and
    /// the repository's settings.egress) through Builder's egress proxy. False gives restore the
    /// host's open network, as before.
    /// </summary>
    public bool FilterEgress { get; set; } = true;

    /// <summary>Hosts every repository's restore may reach besides the registries, e.g. a company feed ("nuget.example.com", "*.corp.example:8443").</summary>
    public List<string> AllowedHosts { get; set; } = [];

    // --- Docker ---

    public string? DockerImage { get; set; } = "mcr.microsoft.com/dotnet/sdk:10.0";

    /// <summary>Defaults to DOCKER_HOST, else the local unix socket.</summary>
    public string? DockerEndpoint { get; set; }

    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan DockerPingTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>"uid:gid" or a user name inside the image; the image's default when empty.</summary>
    public string? DockerUser { get; set; }

    /// <summary>HostConfig.UsernsMode, e.g. "host" where the engine remaps users by default.</summary>
    public string? DockerUsernsMode { get; set; }

    [Range(0.01, 1024)]
    public double? DockerCpus { get; set; }

    // --- ceilings: a request asking for more gets this much ---

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxTimeout { get; set; } = TimeSpan.FromHours(2);

    [Range(16L * 1024 * 1024, long.MaxValue)]
    public long MaxMemoryBytes { get; set; } = 16L * 1024 * 1024 * 1024;

    [Range(8, 1_000_000)]
    public int MaxProcesses { get; set; } = 4096;

    [Range(1024, int.MaxValue)]
    public int MaxOutputChars { get; set; } = 16 * 1024 * 1024;

    [Range(64, 1_048_576)]
    public int MaxOpenFiles { get; set; } = 65_536;

    [Range(1024L * 1024, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 64L * 1024 * 1024 * 1024;

    /// <summary>How often a run's writable folders are measured against its disk limit.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan DiskCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    public SandboxRequest Clamp(SandboxRequest request) => request with
    {
        Timeout = request.Timeout > MaxTimeout ? MaxTimeout : request.Timeout,
        MemoryBytes = Math.Min(request.MemoryBytes, MaxMemoryBytes),
        MaxProcesses = Math.Min(request.MaxProcesses, MaxProcesses),
        MaxOutputChars = Math.Min(request.MaxOutputChars, MaxOutputChars),
        MaxOpenFiles = Math.Min(request.MaxOpenFiles, MaxOpenFiles),
        MaxFileBytes = Math.Min(request.MaxFileBytes, MaxFileBytes),
        MaxCpuTime = request.MaxCpuTime is { } cpu && cpu > MaxTimeout ? MaxTimeout : request.MaxCpuTime,
    };

    public string ResolvedDockerEndpoint =>
        !string.IsNullOrWhiteSpace(DockerEndpoint) ? DockerEndpoint
        : System.Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host
        : "unix:///var/run/docker.sock";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var path in HiddenPaths.Concat(ReadOnlyPaths))
        {
            if (!Path.IsPathFullyQualified(path))
                yield return new ValidationResult($"Sandbox paths must be absolute: \"{path}\".", [nameof(HiddenPaths)]);
            else if (Path.TrimEndingDirectorySeparator(path) == "/")
                yield return new ValidationResult("The root folder cannot be hidden.", [nameof(HiddenPaths)]);
        }

        foreach (var host in AllowedHosts)
            if (Builder.Core.Policy.EgressPolicy.Problem(host) is { } problem)
                yield return new ValidationResult($"AllowedHosts: {problem}", [nameof(AllowedHosts)]);

        if (Kind == SandboxKind.Docker && string.IsNullOrWhiteSpace(DockerImage))
            yield return new ValidationResult("Kind=docker needs DockerImage.", [nameof(DockerImage)]);

        if (!Uri.TryCreate(ResolvedDockerEndpoint, UriKind.Absolute, out _))
            yield return new ValidationResult($"DockerEndpoint is not a URI: \"{ResolvedDockerEndpoint}\".", [nameof(DockerEndpoint)]);
    }
}
