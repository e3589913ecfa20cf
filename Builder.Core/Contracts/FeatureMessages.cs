using Builder.Core.Domain;

namespace Builder.Core.Contracts;

// Events published by the Api: what a person or agent asked for.

/// <summary>A feature was submitted; starts its run.</summary>
public sealed record FeatureRequested(Guid FeatureId, Guid TenantId, ApprovalMode ApprovalMode, string RequestedBy, string Author = "draft");

public sealed record FeatureApproved(Guid FeatureId, string By);

public sealed record FeatureRejected(Guid FeatureId, string By, string? Reason);

public sealed record FeatureRevisionRequested(Guid FeatureId, string By, string Notes);

/// <summary>Consumed by the saga (to end the run) and by every worker (to kill the run's processes).</summary>
public sealed record FeatureCancellationRequested(Guid FeatureId, string By, string? Reason);

/// <summary>Runs an ended feature again from Plan, as a new attempt on the same branch.</summary>
public sealed record FeatureRetryRequested(Guid FeatureId, string By);

/// <summary>Re-issues the current phase's command of a run that stopped advancing (crash, lost message).</summary>
public sealed record ResumeFeature(Guid FeatureId, string Reason);
