using System.Text.Json;
using System.Text.Json.Serialization;

namespace Builder.Web.Services;

/// <summary>Who an API key belongs to: the answer of <c>GET /api/me</c>.</summary>
public sealed record Me(Guid TenantId, string TenantName, string KeyName, IReadOnlyList<string> Scopes);

/// <summary>Where a feature run stands. The names are the API's, as it writes them in JSON.</summary>
public enum FeatureStatus
{
    Requested,
    Running,
    AwaitingApproval,
    Completed,
    Failed,
    Cancelled,
    Rejected,
    RolledBack,
}

/// <summary>One row of <c>GET /api/features</c>.</summary>
/// <param name="CurrentPhase">plan, generate, build, verify, deliver, deploy or healthcheck; null before the run starts and after it ends.</param>
/// <param name="Gate">plan or release while the run waits for a human; otherwise null.</param>
public sealed record FeatureSummary(
    Guid Id,
    string Title,
    Guid RepositoryId,
    string RepositoryName,
    FeatureStatus Status,
    string? CurrentPhase,
    string? Gate,
    int ProgressPercent,
    string ApprovalMode,
    string RequestedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A page of <c>GET /api/features</c>.</summary>
public sealed record FeaturePage(IReadOnlyList<FeatureSummary> Items, int Page, int PageSize, int Total)
{
    public static readonly FeaturePage Empty = new([], 1, 0, 0);

    public int PageCount => PageSize <= 0 ? 1 : Math.Max(1, (Total + PageSize - 1) / PageSize);

    /// <summary>Records compare lists by reference; the board needs to know whether the rows themselves changed.</summary>
    public bool SameAs(FeaturePage other) =>
        Page == other.Page && PageSize == other.PageSize && Total == other.Total && Items.SequenceEqual(other.Items);
}

/// <summary>What the list asks for.</summary>
public sealed record FeatureQuery(FeatureStatus? Status = null, Guid? RepositoryId = null, int Page = 1, int PageSize = 50);

/// <summary>The body of an RFC 7807 error answer: only the parts a person should read.</summary>
sealed record ProblemBody(string? Title, string? Detail, int? Status);

static class ApiJson
{
    /// <summary>camelCase properties and enums as strings, as the API writes them.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };
}
