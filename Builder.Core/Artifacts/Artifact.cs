namespace Builder.Core.Artifacts;

/// <summary>A stored output of a run: plan, diff, build and test logs. One row per feature and name; a re-run replaces it.</summary>
public sealed class Artifact
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid FeatureId { get; set; }
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    public required string ContentType { get; set; }
    public required byte[] Content { get; set; }

    /// <summary>The size before truncation.</summary>
    public long OriginalSize { get; set; }

    public bool Truncated { get; set; }
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
}

public static class ArtifactNames
{
    public const string Plan = "plan.json";
    public const string Change = "change.diff";
    public const string BuildLog = "build.log";
    public const string TestLog = "test.log";
    public const string TestResults = "test-results.json";

    /// <summary>The environment image the run's commands run in (written by Plan when the repository declares one).</summary>
    public const string Environment = "environment.json";

    /// <summary>The log of the environment image's build (or of its reuse), written by Plan.</summary>
    public const string EnvironmentLog = "environment.log";
}
