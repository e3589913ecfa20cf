namespace Builder.Web.Services;

public sealed record RepositoryInfo(Guid Id, string Name, string Url, string DefaultBranch, bool HasCredentials, RepositorySettings Settings, DateTimeOffset CreatedAt);

public sealed record RepositorySettings(string? BuildCommand, string? TestCommand, IReadOnlyList<string>? AllowedPaths, int? MaxFileBytes);

/// <summary>What the register form sends to <c>POST /api/repositories</c>; allowed paths follow with a PATCH, which the register call does not take.</summary>
public sealed record RegisterRepository(string Name, string Url, string? DefaultBranch, string? Token, string? BuildCommand, string? TestCommand, IReadOnlyList<string> AllowedPaths);

/// <summary><c>PATCH /api/repositories/{id}</c>: null leaves a value as it is; an empty command clears it.</summary>
public sealed record RepositoryChanges(string? DefaultBranch, string? BuildCommand, string? TestCommand, IReadOnlyList<string>? AllowedPaths, int? MaxFileBytes);

public sealed record RepositoryRuns(Guid RepositoryId, int Total, int Completed, int Failed, double? SuccessRate, IReadOnlyList<FeatureSummary> Recent);
