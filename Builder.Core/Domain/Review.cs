using System.Text.Json.Serialization;

namespace Builder.Core.Domain;

public enum ReviewVerdict
{
    [JsonStringEnumMemberName("approve")]
    Approve,

    [JsonStringEnumMemberName("request-changes")]
    RequestChanges,
}

/// <summary>
/// One agent's (or key's) verdict on the change of a run, in the attempt it reviewed: a revision
/// starts a new attempt, and approvals of an older change no longer count.
/// </summary>
public sealed class Review
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenantId { get; set; }
    public Guid FeatureId { get; set; }
    public int Attempt { get; set; }
    public ReviewVerdict Verdict { get; set; }
    public string? Comments { get; set; }

    /// <summary>Who reviewed: the agent when the key belongs to one, else the key — two keys of one agent are one reviewer.</summary>
    public required string Reviewer { get; set; }

    public Guid KeyId { get; set; }
    public Guid? AgentId { get; set; }
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
}

/// <summary>Event types of reviews (kept beside the entity; the catalog style of <c>EventTypes</c>).</summary>
public static class ReviewEvents
{
    public const string Submitted = "review.submitted";

    /// <summary>The required number of approving reviews was reached; the release gate is asked to open.</summary>
    public const string QuorumReached = "review.quorum_reached";
}
