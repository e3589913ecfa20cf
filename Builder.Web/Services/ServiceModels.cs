namespace Builder.Web.Services;

/// <summary><c>GET /api/services</c>: a deployed service, its stable address and live version.</summary>
public sealed record ServiceInfo(string Name, string Target, string StableUrl, Guid RepositoryId, ServiceVersionInfo? Live);

/// <param name="State">starting, live, standby, stopped, failed or rolled-back.</param>
public sealed record ServiceVersionInfo(int Number, string State, Guid FeatureId, string CommitSha, string? Reason, string DeployedBy, DateTimeOffset CreatedAt);

/// <summary>The answer to a rollback: rolling-back while a worker switches, rolled-back when it already was.</summary>
public sealed record RollbackAnswer(string Service, int From, int To, string Status, string StableUrl, Guid FeatureId);
