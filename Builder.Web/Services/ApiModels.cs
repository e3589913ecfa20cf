using System.Globalization;
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

/// <summary>One row of <c>GET /api/features</c> and <c>GET /api/board</c>.</summary>
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
/// <param name="RequestedBy">Only features submitted by this key or agent.</param>
/// <param name="Search">Only features whose title contains this text (any case).</param>
/// <param name="OldestFirst">The approvals inbox serves the longest waiting first.</param>
public sealed record FeatureQuery(
    FeatureStatus? Status = null, Guid? RepositoryId = null, int Page = 1, int PageSize = 50,
    string? RequestedBy = null, string? Search = null, bool OldestFirst = false);

/// <summary>The answer of <c>GET /api/board</c>: a page, the count of each status under the same filters, and the authors.</summary>
public sealed record BoardAnswer(
    IReadOnlyList<FeatureSummary> Items, int Page, int PageSize, int Total, IReadOnlyDictionary<string, int> Counts, IReadOnlyList<string> Authors);

/// <summary><c>GET /api/features/{id}</c>.</summary>
public sealed record FeatureDetail(
    Guid Id,
    string Title,
    string Description,
    Guid RepositoryId,
    string RepositoryName,
    string TargetBranch,
    string ApprovalMode,
    FeatureStatus Status,
    string State,
    string? CurrentPhase,
    string? Gate,
    int ProgressPercent,
    int Attempt,
    IReadOnlyList<PhaseInfo> Phases,
    string? BaseCommit,
    string? Branch,
    string? CommitSha,
    FeatureFailure? Error,
    string? RevisionNotes,
    IReadOnlyList<DraftFileInfo> Draft,
    string RequestedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public bool IsEnded => Status is FeatureStatus.Completed or FeatureStatus.Failed or FeatureStatus.Cancelled or FeatureStatus.Rejected or FeatureStatus.RolledBack;
}

/// <summary>The little an action needs to know of a run.</summary>
public sealed record RunRef(Guid Id, string Title, FeatureStatus Status, string? Gate)
{
    public bool IsEnded => Status is FeatureStatus.Completed or FeatureStatus.Failed or FeatureStatus.Cancelled or FeatureStatus.Rejected or FeatureStatus.RolledBack;

    public static RunRef Of(FeatureDetail f) => new(f.Id, f.Title, f.Status, f.Gate);

    public static RunRef Of(FeatureSummary f) => new(f.Id, f.Title, f.Status, f.Gate);
}

/// <param name="Status">pending, queued, running, done, failed, skipped, cancelled or awaiting_approval.</param>
public sealed record PhaseInfo(string Name, string Status, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, long? DurationMs, string? Reason);

public sealed record FeatureFailure(string Code, string? Phase, string Message, bool Retryable);

public sealed record DraftFileInfo(string Path, string Mode, int Bytes);

/// <summary>One entry of <c>GET /api/features/{id}/events</c>. Payloads grow over time: read them with <see cref="Payloads"/>.</summary>
public sealed record FeatureEvent(long Sequence, string Type, string? Phase, DateTimeOffset Timestamp, JsonElement Payload, string? Producer);

public sealed record ArtifactInfo(string Name, string ContentType, long Size, bool Truncated, DateTimeOffset CreatedAt, string Url);

/// <summary>The answer to approve, reject, revise, cancel and retry.</summary>
public sealed record ActionAnswer(Guid Id, string? Action, string? StatusBefore, string? Status);

/// <summary>What the dashboard sends to <c>POST /api/features</c>.</summary>
public sealed record SubmitFeature(
    Guid RepositoryId, string Title, string Description, string ApprovalMode, bool TestsRequired, string? TargetBranch, IReadOnlyList<DraftFileSubmission> Files);

public sealed record DraftFileSubmission(string Path, string Mode, string? Content);

public sealed record SubmitAnswer(Guid Id, string? Status);

/// <summary>The body of an RFC 7807 error answer: only the parts a person should read.</summary>
sealed record ProblemBody(string? Title, string? Detail, int? Status, IReadOnlyDictionary<string, string[]>? Errors);

static class ApiJson
{
    /// <summary>camelCase properties and enums as strings, as the API writes them.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(), new UtcWhenUnmarkedConverter() },
    };

    /// <summary>
    /// The API stores times in UTC, but SQLite gives them back without a zone, so they arrive with
    /// no offset. Read that as UTC, not as the Web server's local time.
    /// </summary>
    sealed class UtcWhenUnmarkedConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString() ?? throw new JsonException("A time is null.");
            return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
    }
}
