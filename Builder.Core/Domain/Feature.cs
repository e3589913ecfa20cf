namespace Builder.Core.Domain;

/// <summary>
/// A feature request as submitted. Its progress lives in the saga state
/// (<see cref="StateMachines.FeatureState"/>) and its history in the event store.
/// </summary>
public sealed class Feature
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenantId { get; set; }
    public Guid RepositoryId { get; set; }
    public required string Title { get; set; }
    public required string Description { get; set; }
    public required string TargetBranch { get; set; }
    public ApprovalMode ApprovalMode { get; set; }
    public IReadOnlyList<DraftFile> Draft { get; set; } = [];

    /// <summary>False only when the requester says the change needs no test (docs, configuration); the test-integrity contract then accepts a change without one.</summary>
    public bool TestsRequired { get; set; } = true;

    /// <summary>"draft" when the change came with the request, "agent" when Builder's agent writes it.</summary>
    public string Author => Draft.Count > 0 ? "draft" : "agent";

    /// <summary>Who asked for it: "agent:&lt;name&gt;@&lt;version&gt;" or "key:&lt;name&gt;".</summary>
    public required string RequestedBy { get; set; }

    /// <summary>The key that submitted it (its author for reviews); null for features older than keys of agents.</summary>
    public Guid? RequestedByKeyId { get; set; }

    public Guid? RequestedByAgentId { get; set; }

    /// <summary>Approving reviews by other agents that open the release gate; the repository's setting when the run was submitted.</summary>
    public int RequiredReviews { get; set; }

    public string? IdempotencyKey { get; set; }
    public string? RequestHash { get; set; }
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;

    /// <summary>Set when an admin archived the ended run: it leaves the board and the inbox; its events and artifacts stay.</summary>
    public DateTime? ArchivedAt { get; set; }

    public string? ArchivedBy { get; set; }

    /// <summary>The branch Builder pushes to: <c>builder/&lt;short id&gt;-&lt;slug&gt;</c>.</summary>
    public string BranchName(string prefix) => $"{prefix}{ShortId}-{Slug.From(Title)}";

    public string ShortId => Id.ToString("N")[..8];
}

public enum DraftFileMode
{
    Add,
    Replace,
    Delete,
}

/// <summary>One file of a draft: what to write at a workspace-relative path.</summary>
public sealed record DraftFile(string Path, DraftFileMode Mode, string? Content);
