namespace Builder.Core.Contracts;

/// <summary>What every phase command carries: whose run, and which pass through the pipeline.</summary>
public interface IPhaseCommand
{
    Guid FeatureId { get; }
    int Attempt { get; }
}

// Commands the saga sends to the phase consumers. Attempt identifies the pass through the
// pipeline (a revision starts a new one); results of an older attempt are ignored.

public sealed record PlanFeature(Guid FeatureId, int Attempt, string? RevisionNotes) : IPhaseCommand;

/// <summary>Feedback is the failure of the previous round (compiler errors, failing tests) when the saga asks for a fix.</summary>
public sealed record GenerateChange(Guid FeatureId, int Attempt, string BaseCommit, string? Feedback = null) : IPhaseCommand;

public sealed record BuildChange(Guid FeatureId, int Attempt, string BaseCommit) : IPhaseCommand;

public sealed record VerifyChange(Guid FeatureId, int Attempt, string BaseCommit) : IPhaseCommand;

public sealed record DeliverChange(Guid FeatureId, int Attempt, string BaseCommit) : IPhaseCommand;

public sealed record DeployChange(Guid FeatureId, int Attempt) : IPhaseCommand;

public sealed record CheckHealth(Guid FeatureId, int Attempt) : IPhaseCommand;

// Events the phase consumers publish when their work is done.

public sealed record FeaturePlanned(Guid FeatureId, int Attempt, string BaseCommit);

public sealed record ChangeGenerated(Guid FeatureId, int Attempt, int FilesChanged);

public sealed record ChangeBuilt(Guid FeatureId, int Attempt);

public sealed record ChangeVerified(Guid FeatureId, int Attempt);

public sealed record ChangeDelivered(Guid FeatureId, int Attempt, string Branch, string CommitSha);

/// <param name="Failure">
/// Set when the new version could not be published or started: it never received traffic, the
/// previous version (or nothing, after a first deploy) still serves, and the run ends RolledBack.
/// </param>
public sealed record ChangeDeployed(Guid FeatureId, int Attempt, bool Skipped, string? Failure = null);

/// <summary>
/// How the new version fared. Unhealthy and rolled back: the previous version (or nothing, after a first
/// deploy) serves again; unhealthy and not rolled back: the rollback itself could not be completed.
/// Reason and Figures say why, in words and numbers (success rate, p50/p99, probes).
/// </summary>
public sealed record HealthChecked(Guid FeatureId, int Attempt, bool Healthy, bool RolledBack, bool Skipped, string? Reason = null,
    IReadOnlyDictionary<string, double>? Figures = null);

/// <summary>A phase could not do its work. Ends the run Failed in that phase.</summary>
public sealed record PhaseFailed(Guid FeatureId, int Attempt, string Phase, string ErrorCode, string Message, bool Retryable);
