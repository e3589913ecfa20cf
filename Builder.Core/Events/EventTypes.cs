namespace Builder.Core.Events;

/// <summary>The catalog of feature event types.</summary>
public static class EventTypes
{
    public const string FeatureRequested = "feature.requested";
    public const string PhaseStarted = "phase.started";
    public const string PhaseCompleted = "phase.completed";
    public const string PhaseSkipped = "phase.skipped";
    public const string PhaseFailed = "phase.failed";
    public const string Log = "log";
    public const string SandboxNotice = "sandbox.notice";
    public const string EgressDenied = "egress.denied";
    public const string ToolchainNotice = "toolchain.notice";

    public const string WorkspacePrepared = "workspace.prepared";
    public const string PlanGenerated = "plan.generated";
    public const string DraftApplied = "draft.applied";
    public const string PolicyViolated = "policy.violated";
    public const string BuildCompleted = "build.completed";
    public const string BuildFailed = "build.failed";
    public const string TestsCompleted = "tests.completed";
    public const string BaseResultsCached = "base_results.cached";
    public const string BaseResultsReused = "base_results.reused";
    public const string VerificationPassed = "verification.passed";
    public const string VerificationFailed = "verification.failed";
    public const string VerificationNotice = "verification.notice";
    public const string CommitCreated = "commit.created";
    public const string PushCompleted = "push.completed";
    public const string PullRequestOpened = "pull_request.opened";
    public const string PullRequestUpdated = "pull_request.updated";
    public const string PullRequestSkipped = "pull_request.skipped";
    public const string CommitStatusPosted = "commit_status.posted";
    public const string CommitStatusFailed = "commit_status.failed";
    public const string EnvironmentImageBuilt = "environment.image_built";
    public const string EnvironmentImageReused = "environment.image_reused";
    public const string EnvironmentFallback = "environment.fallback";
    public const string RepositoryToolsOffered = "repository_tools.offered";
    public const string RepositoryToolSkipped = "repository_tool.skipped";
    public const string DeploySkipped = "deploy.skipped";
    public const string HealthCheckSkipped = "healthcheck.skipped";
    public const string ManifestRead = "deploy.manifest_read";
    public const string ReleasePublished = "deploy.release_published";
    public const string VersionStarted = "deploy.version_started";
    public const string VersionRestarted = "deploy.version_restarted";
    public const string ServiceEgress = "deploy.service_egress";
    public const string ReadinessChecked = "healthcheck.readiness";
    public const string ContractChecked = "healthcheck.contract";
    public const string TrafficSwitched = "deploy.traffic_switched";
    public const string MonitoringCompleted = "healthcheck.window_completed";
    public const string MonitoringComparisonSkipped = "healthcheck.comparison_skipped";
    public const string ProbeFailed = "healthcheck.probe_failed";
    public const string HealthBreached = "healthcheck.breached";
    public const string RollbackStarted = "rollback.started";
    public const string RollbackCompleted = "rollback.completed";
    public const string VersionStopped = "deploy.version_stopped";

    public const string ApprovalRequested = "approval.requested";
    public const string ApprovalGranted = "approval.granted";
    public const string FeatureRejected = "feature.rejected";
    public const string RevisionRequested = "revision.requested";
    public const string CancellationRequested = "cancellation.requested";
    public const string FeatureCancelled = "feature.cancelled";
    public const string FeatureCompleted = "feature.completed";
    public const string FeatureArchived = "feature.archived";
    public const string FeatureUnarchived = "feature.unarchived";
    public const string FeatureFailed = "feature.failed";
    public const string FeatureResumed = "feature.resumed";
    public const string RetryRequested = "retry.requested";
    public const string FixRequested = "fix.requested";
}
