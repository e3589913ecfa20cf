using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Builder.Worker.PullRequests;

/// <summary>Pull requests on Gitea and Forgejo (Codeberg, self-hosted), through their REST API v1.</summary>
public sealed class GiteaPullRequestHost(IOptions<HostingOptions> options, HostingHttp http, ILogger<GiteaPullRequestHost> logger) : IPullRequestHost
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    static readonly RestDialect Dialect = new(PullRequestHosts.Gitea, "Gitea",
        (request, token) => request.Headers.Authorization = new("token", token),
        error => error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) ? message.ToString() : null,
        // Gitea answers 409 "pull request already exists for these targets".
        (status, _) => status == HttpStatusCode.Conflict,
        Json);

    readonly HttpClient _client = http.CreateClient();

    public string Provider => PullRequestHosts.Gitea;

    public async Task<PullRequestInfo> OpenOrUpdateAsync(PullRequestSpec spec, CancellationToken ct)
    {
        var settings = options.Value;
        (spec, var location) = PullRequestSpecs.Check(spec, settings, Provider);
        var info = await HostRetry.RunAsync(settings, logger, location, token => AttemptAsync(spec, location, settings, token), ct);
        logger.LogInformation("{Action} Gitea pull request #{Number} for {Repository} ({Source} -> {Target})",
            info.Created ? "Opened" : "Updated", info.Number, location.ToString(), spec.SourceBranch, spec.TargetBranch);
        return info;
    }

    async Task<PullRequestInfo> AttemptAsync(PullRequestSpec spec, RepositoryLocation location, HostingOptions settings, CancellationToken ct)
    {
        var pulls = $"repos/{Escape(location.Owner)}/{Escape(location.Name)}/pulls";
        var call = new RestCall(_client, Dialect, spec.Token, location, settings, $"the pull request {spec.SourceBranch} -> {spec.TargetBranch}");

        // A second look-up covers a race: another worker opened it between our look-up and create.
        for (var lookups = 0; ; lookups++)
        {
            var open = await OpenPullAsync(call, pulls, spec, ct);
            if (open is not null)
            {
                var updated = await call.SendAsync<Pull>(HttpMethod.Patch, $"{pulls}/{open.Number}", new { title = spec.Title, body = spec.Body }, ct);
                return new PullRequestInfo(Provider, updated!.Number, updated.HtmlUrl, Created: false);
            }

            var created = await call.SendAsync<Pull>(HttpMethod.Post, pulls,
                new { head = spec.SourceBranch, @base = spec.TargetBranch, title = spec.Title, body = spec.Body }, ct, conflictIsRetry: lookups == 0);
            if (created is not null)
                return new PullRequestInfo(Provider, created.Number, created.HtmlUrl, Created: true);
        }
    }

    /// <summary>The open pull request from the source branch into the target, paging through the open ones.</summary>
    static async Task<Pull?> OpenPullAsync(RestCall call, string pulls, PullRequestSpec spec, CancellationToken ct)
    {
        const int pageSize = 50;
        for (var page = 1; page <= 20; page++)
        {
            var open = await call.SendAsync<List<Pull>>(HttpMethod.Get, $"{pulls}?state=open&limit={pageSize}&page={page}", null, ct) ?? [];
            if (open.FirstOrDefault(p => p.Head?.Ref == spec.SourceBranch && p.Base?.Ref == spec.TargetBranch) is { } found)
                return found;
            if (open.Count < pageSize)
                return null;
        }

        return null;
    }

    public async Task PostStatusAsync(CommitStatusSpec spec, CancellationToken ct)
    {
        var settings = options.Value;
        (spec, var location) = PullRequestSpecs.Check(spec, settings, Provider);
        var call = new RestCall(_client, Dialect, spec.Token, location, settings, $"the status of {spec.CommitSha[..7]}");
        var state = spec.State switch
        {
            CommitState.Success => "success",
            CommitState.Failure => "failure",
            _ => "pending",
        };
        await HostRetry.RunAsync(settings, logger, location, token => call.SendAsync<NoContent>(HttpMethod.Post,
            $"repos/{Escape(location.Owner)}/{Escape(location.Name)}/statuses/{spec.CommitSha}",
            new { state, context = CommitStatusSpec.Context, description = spec.Description, target_url = spec.TargetUrl }, token), ct);
        logger.LogInformation("Set the Gitea status of {Commit} on {Repository} to {State}", spec.CommitSha, location.ToString(), spec.State);
    }

    static string Escape(string segment) => Uri.EscapeDataString(segment);

    sealed record Pull(long Number, string HtmlUrl, Branch? Head, Branch? Base);

    sealed record Branch(string Ref);
}
