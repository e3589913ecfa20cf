namespace Builder.Core.Domain;

/// <summary>
/// The test results of a repository's base commit, kept so every feature on that base reuses them
/// instead of running the suite again. <see cref="Fingerprint"/> covers everything the results depend
/// on besides the commit: the commands, their environment and the toolchain's version.
/// </summary>
public sealed class BaseTestRun
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenantId { get; set; }
    public Guid RepositoryId { get; set; }
    public required string BaseCommit { get; set; }
    public required string Fingerprint { get; set; }

    /// <summary>The per-test results as JSON.</summary>
    public required string Results { get; set; }

    /// <summary>The run that measured them.</summary>
    public Guid FeatureId { get; set; }

    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
}
