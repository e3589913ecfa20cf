namespace Builder.Core.Domain;

/// <summary>
/// Who did what with which key: one row per change a caller made (a feature submitted or archived, a
/// gate decided, a repository registered, changed or removed, a key created or revoked). The runs'
/// own progress is in the event store; this is the tenant's record of people's and agents' actions.
/// </summary>
public sealed class AuditEntry
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenantId { get; set; }
    public DateTime At { get; set; } = DateTime.UtcNow;

    /// <summary>"agent:&lt;name&gt;@&lt;version&gt;" or "key:&lt;name&gt;".</summary>
    public required string Actor { get; set; }

    public Guid? KeyId { get; set; }

    /// <summary>What was done, e.g. "feature.archived", "key.revoked", "repository.settings_changed".</summary>
    public required string Action { get; set; }

    /// <summary>What it was done to: "feature/&lt;id&gt;", "repository/&lt;id&gt;", "key/&lt;id&gt;".</summary>
    public required string Target { get; set; }

    /// <summary>The particulars as JSON (changed setting names, a reason); never a secret.</summary>
    public string? Details { get; set; }
}
