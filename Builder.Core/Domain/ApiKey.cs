namespace Builder.Core.Domain;

/// <summary>
/// An API key of a tenant. Only a SHA-256 hash of the secret is stored; <see cref="Prefix"/> is the
/// public part used to find the row and to show the key in lists.
/// </summary>
public sealed class ApiKey
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    public required string Prefix { get; set; }
    public required string Hash { get; set; }

    /// <summary>Space-separated scopes, e.g. "admin" or "features:read features:write".</summary>
    public required string Scopes { get; set; }

    /// <summary>The agent this key acts for; null for a key of a person or a script.</summary>
    public Guid? AgentId { get; set; }

    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    public DateTime? RevokedAt { get; set; }

    public bool HasScope(string scope) =>
        Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries) is var granted
        && (granted.Contains(ApiScopes.Admin) || granted.Contains(scope));
}

public static class ApiScopes
{
    public const string Admin = "admin";
    public const string FeaturesRead = "features:read";
    public const string FeaturesWrite = "features:write";
    public const string DraftsWrite = "drafts:write";
    public const string ApprovalsWrite = "approvals:write";

    /// <summary>Start improvement cycles and generate components: each starts runs that deploy.</summary>
    public const string ImprovementsWrite = "improvements:write";

    /// <summary>Send a deployed service's telemetry to Builder over OTLP: the key a service is given, and nothing more.</summary>
    public const string TelemetryWrite = "telemetry:write";

    public static readonly IReadOnlyList<string> All = [FeaturesRead, FeaturesWrite, DraftsWrite, ApprovalsWrite, ImprovementsWrite, TelemetryWrite, Admin];

    /// <summary>What a newly registered agent may do unless asked otherwise: read and submit features, upload drafts.</summary>
    public static readonly IReadOnlyList<string> AgentDefault = [FeaturesRead, FeaturesWrite, DraftsWrite];
}
