using System.Net;

namespace Builder.Web.Services;

public sealed partial class BuilderApiClient
{
    public Task<FeaturePage> GetFeaturesAsync(FeatureQuery query, CancellationToken ct = default) =>
        GetAsync<FeaturePage>($"api/features?{Query(("page", query.Page), ("pageSize", query.PageSize), ("status", query.Status), ("repositoryId", query.RepositoryId))}", ct);

    /// <summary>One page of features, the count of each status under the same filters, and the authors: one call.</summary>
    public async Task<FeatureOverview> GetOverviewAsync(FeatureQuery query, CancellationToken ct = default)
    {
        var board = await GetAsync<BoardAnswer>("api/board?" + Query(
            ("page", query.Page), ("pageSize", query.PageSize), ("status", query.Status), ("repositoryId", query.RepositoryId),
            ("requestedBy", query.RequestedBy), ("q", string.IsNullOrWhiteSpace(query.Search) ? null : query.Search.Trim()),
            ("order", query.OldestFirst ? "oldest" : null)), ct);
        var counts = Enum.GetValues<FeatureStatus>().ToDictionary(s => s, s => board.Counts.GetValueOrDefault(s.ToString()));
        return new FeatureOverview(new FeaturePage(board.Items, board.Page, board.PageSize, board.Total), counts, board.Authors);
    }

    public Task<FeatureDetail> GetFeatureAsync(Guid id, CancellationToken ct = default) => GetAsync<FeatureDetail>($"api/features/{id}", ct);

    /// <summary>Every event after <paramref name="after"/>, however many pages that takes.</summary>
    public async Task<IReadOnlyList<FeatureEvent>> GetEventsAsync(Guid id, long after, CancellationToken ct = default)
    {
        const int limit = 1000;
        var all = new List<FeatureEvent>();
        while (true)
        {
            var page = await GetAsync<List<FeatureEvent>>($"api/features/{id}/events?after={after}&limit={limit}", ct);
            all.AddRange(page);
            if (page.Count < limit)
                return all;
            after = page[^1].Sequence;
        }
    }

    public Task<List<ArtifactInfo>> GetArtifactsAsync(Guid id, CancellationToken ct = default) => GetAsync<List<ArtifactInfo>>($"api/features/{id}/artifacts", ct);

    public Task<string?> GetArtifactTextAsync(Guid id, string name, CancellationToken ct = default) =>
        GetTextOrNullAsync($"api/features/{id}/artifacts/{Uri.EscapeDataString(name)}", ct);

    /// <summary>The test report of <c>GET /api/features/{id}/tests</c>; null when this API does not have that endpoint yet.</summary>
    public async Task<System.Text.Json.JsonElement?> GetTestReportAsync(Guid id, CancellationToken ct = default)
    {
        try
        {
            return await GetAsync<System.Text.Json.JsonElement>($"api/features/{id}/tests", ct);
        }
        catch (BuilderApiException e) when (e.StatusCode is (int)HttpStatusCode.NotFound or (int)HttpStatusCode.MethodNotAllowed)
        {
            return null;
        }
    }

    public Task<SubmitAnswer> SubmitAsync(SubmitFeature feature, CancellationToken ct = default) =>
        SendAsync<SubmitAnswer>(HttpMethod.Post, "api/features", new
        {
            repositoryId = feature.RepositoryId,
            title = feature.Title,
            description = feature.Description,
            approvalMode = feature.ApprovalMode,
            testsRequired = feature.TestsRequired,
            targetBranch = string.IsNullOrWhiteSpace(feature.TargetBranch) ? null : feature.TargetBranch.Trim(),
            draft = feature.Files.Count == 0 ? null : new { files = feature.Files.Select(f => new { path = f.Path, mode = f.Mode, content = f.Mode == "delete" ? null : f.Content }) },
        }, ct);

    public Task<ActionAnswer> ApproveAsync(Guid id, CancellationToken ct = default) => ActAsync(id, "approve", new { }, ct);

    public Task<ActionAnswer> RejectAsync(Guid id, string? notes, CancellationToken ct = default) =>
        ActAsync(id, "reject", new { reason = string.IsNullOrWhiteSpace(notes) ? null : notes.Trim() }, ct);

    public Task<ActionAnswer> ReviseAsync(Guid id, string notes, CancellationToken ct = default) => ActAsync(id, "revise", new { notes }, ct);

    public Task<ActionAnswer> CancelAsync(Guid id, string? reason, CancellationToken ct = default) =>
        ActAsync(id, "cancel", new { reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim() }, ct);

    public Task<ActionAnswer> RetryAsync(Guid id, CancellationToken ct = default) => ActAsync(id, "retry", new { }, ct);

    Task<ActionAnswer> ActAsync(Guid id, string action, object body, CancellationToken ct) =>
        SendAsync<ActionAnswer>(HttpMethod.Post, $"api/features/{id}/{action}", body, ct);
}

/// <summary>What the feature board shows: one page of features, the count of each status and who submitted features.</summary>
public sealed record FeatureOverview(FeaturePage Page, IReadOnlyDictionary<FeatureStatus, int> Counts, IReadOnlyList<string> Authors)
{
    public int Total => Counts.Values.Sum();

    public bool SameAs(FeatureOverview other) =>
        Page.SameAs(other.Page)
        && Counts.Count == other.Counts.Count
        && Counts.All(c => other.Counts.TryGetValue(c.Key, out var n) && n == c.Value)
        && Authors.SequenceEqual(other.Authors);
}
