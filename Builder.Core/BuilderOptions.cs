using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Builder.Core;

/// <summary>The "Builder" configuration section, bound and validated at start.</summary>
public sealed class BuilderOptions
{
    public const string Section = "Builder";

    /// <summary>Where the embedded database, repository mirrors and workspaces live.</summary>
    [Required]
    public string DataDirectory { get; set; } = ".builder";

    /// <summary>Builder pushes only to branches under this prefix, never to a target branch.</summary>
    [Required, RegularExpression(@"^[A-Za-z0-9._-]+/$", ErrorMessage = "BranchPrefix must be a simple name ending in '/', such as 'builder/'.")]
    public string BranchPrefix { get; set; } = "builder/";

    [Required, ValidateObjectMembers]
    public LimitOptions Limits { get; set; } = new();

    [Required, ValidateObjectMembers]
    public WorkerOptions Worker { get; set; } = new();

    [Required, ValidateObjectMembers]
    public RecoveryOptions Recovery { get; set; } = new();

    [Required, ValidateObjectMembers]
    public PipelineOptions Pipeline { get; set; } = new();

    public BootstrapOptions Bootstrap { get; set; } = new();

    /// <summary>The model of Builder's own agent (docs/decisions/0009-agent.md).</summary>
    [Required, ValidateObjectMembers]
    public Llm.LlmOptions Llm { get; set; } = new();
    /// <summary>Builder's public address (e.g. https://builder.example.com), used to link a pull request to its run.</summary>
    [Url]
    public string? PublicUrl { get; set; }

    [Required]
    public GitOptions Git { get; set; } = new();
}

public sealed class GitOptions
{
    /// <summary>
    /// git's url.&lt;with&gt;.insteadOf: fetch and push a repository through another URL (a mirror, a
    /// proxy, a local copy) while the repository keeps its canonical URL for its host's API.
    /// </summary>
    public List<UrlRewrite> UrlRewrites { get; set; } = [];
}

public sealed class UrlRewrite
{
    [Required]
    public string Prefix { get; set; } = "";

    [Required]
    public string ReplaceWith { get; set; } = "";
}

public sealed class LimitOptions
{
    /// <summary>
    /// The largest file a change may write. Real suites keep test files of several hundred kilobytes
    /// (one test class per feature area), which a change must be able to extend.
    /// </summary>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxFileBytes { get; set; } = 1024 * 1024;

    [Range(1, 10_000)]
    public int MaxDraftFiles { get; set; } = 500;

    /// <summary>Larger artifacts keep their last bytes (a log's tail matters most) and are marked truncated.</summary>
    [Range(1024, 512 * 1024 * 1024)]
    public int MaxArtifactBytes { get; set; } = 8 * 1024 * 1024;
}

public sealed class WorkerOptions
{
    /// <summary>How many phase commands one worker process runs at once.</summary>
    [Range(1, 64)]
    public int MaxConcurrentRuns { get; set; } = 3;

    /// <summary>Wall-clock limit of one build or test command.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Memory one sandboxed command (with its children) may use, where the host lets cgroups enforce it.</summary>
    [Range(16L * 1024 * 1024, 1L << 40)]
    public long MemoryLimitBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Processes one sandboxed command may have at once, where the host lets cgroups enforce it.</summary>
    [Range(8, 100_000)]
    public int MaxProcesses { get; set; } = 1024;

    /// <summary>CPUs one sandboxed command may use at once (a cgroup quota that throttles); unset for no quota.</summary>
    [Range(0.01, 1024)]
    public double? CpuCores { get; set; }

    /// <summary>Who shares package caches: every repository of a tenant (the default), or each repository alone.</summary>
    public CacheScope CacheScope { get; set; } = CacheScope.Tenant;

    /// <summary>A tenant's package caches are removed when no run has used them for this long; zero keeps them forever.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan CacheRetention { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Bytes one sandboxed command may add to its workspace and caches; past it the command is stopped ("disk").</summary>
    [Range(1024L * 1024, 1L << 50)]
    public long MaxDiskBytes { get; set; } = 20L * 1024 * 1024 * 1024;

    /// <summary>
    /// Test suites Verify runs at once (the change, the base, the change's tests on the base): they do
    /// not depend on each other. 0 picks by cores: all at once with two or more, one at a time with one.
    /// </summary>
    [Range(0, 8)]
    public int ParallelSuites { get; set; }

    /// <summary>Reuse the base commit's test results measured by an earlier feature with the same commands and toolchain.</summary>
    public bool CacheBaseResults { get; set; } = true;
}

public sealed class RecoveryOptions
{
    /// <summary>A run whose last event is older than this, in a phase (not at a gate), is resumed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan StalledAfter { get; set; } = TimeSpan.FromMinutes(20);

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class PipelineOptions
{
    /// <summary>How often a failed Build or Verify goes back to Generate with its errors (agent-written changes only).</summary>
    [Range(0, 10)]
    public int MaxFixRounds { get; set; } = 2;
}

public sealed class BootstrapOptions
{
    /// <summary>The first tenant's admin key; used only when the database has no tenant yet.</summary>
    public string? AdminKey { get; set; }

    public string TenantName { get; set; } = "default";
}

/// <summary>Validates the whole tree of <see cref="BuilderOptions"/> (generated at compile time).</summary>
[OptionsValidator]
public sealed partial class BuilderOptionsValidator : IValidateOptions<BuilderOptions>;

/// <summary>Which runs share a package cache. Never wider than a tenant.</summary>
public enum CacheScope
{
    Tenant,
    Repository,
}
