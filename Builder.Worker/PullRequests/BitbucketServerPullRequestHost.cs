using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Builder.Worker.PullRequests;

/// <summary>Pull requests on Bitbucket Data Center and Server, through the REST API 1.0 (and build-status 1.0).</summary>
public sealed class BitbucketServerPullRequestHost(IOptions<HostingOptions> options, HostingHttp http, ILogger<BitbucketServerPullRequestHost> logger)
    : IPullRequestHost
{
    static readonly RestDialect Dialect = new(PullRequestHosts.BitbucketServer, "Bitbucket",
        (request, token) => request.Headers.Authorization = new("Bearer", token),
        // {"errors": [{"context": null, "message": "...", "exceptionName": "..."}]}
        error => error.ValueKind == JsonValueKind.Object && error.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
            ? string.Join("; ", errors.EnumerateArray().Select(e => e.TryGetProperty("message", out var m) ? m.ToString() : ""))
            : null,
        (status, text) => status == HttpStatusCode.Conflict && text.Contains("DuplicatePullRequestException", StringComparison.Ordinal),
        new JsonSerializerOptions(JsonSerializerDefaults.Web));

    readonly HttpClient _client = http.CreateClient();

    public string Provider => PullRequestHosts.BitbucketServer;

    public async Task<PullRequestInfo> OpenOrUpdateAsync(PullRequestSpec spec, CancellationToken ct)
    {
        var settings = options.Value;
        (spec, var location) = PullRequestSpecs.Check(spec, settings, Provider);
        var info = await HostRetry.RunAsync(settings, logger, location, token => AttemptAsync(spec, location, settings, token), ct);
        logger.LogInformation("{Action} Bitbucket pull request #{Number} for {Repository} ({Source} -> {Target})",
            info.Created ? "Opened" : "Updated", info.Number, location.ToString(), spec.SourceBranch, spec.TargetBranch);
        return info;
    }

    async Task<PullRequestInfo> AttemptAsync(PullRequestSpec spec, RepositoryLocation location, HostingOptions settings, CancellationToken ct)
    {
        var (project, slug) = (location.Owner, location.Name);
        var pulls = $"projects/{Uri.EscapeDataString(project)}/repos/{Uri.EscapeDataString(slug)}/pull-requests";
        var call = new RestCall(_client, Dialect, spec.Token, location, settings, $"the pull request {spec.SourceBranch} -> {spec.TargetBranch}");
        var (from, to) = ($"refs/heads/{spec.SourceBranch}", $"refs/heads/{spec.TargetBranch}");

        // A second look-up covers a race: another worker opened it between our look-up and create.
        for (var lookups = 0; ; lookups++)
        {
            var open = await call.SendAsync<Page>(HttpMethod.Get, $"{pulls}?state=OPEN&direction=OUTGOING&at={Uri.EscapeDataString(from)}&limit=100", null, ct);
            if (open?.Values.FirstOrDefault(p => p.FromRef.Id == from && p.ToRef.Id == to) is { } found)
            {
                // Data Center refuses an edit without the version it has, so a concurrent edit is not lost.
                var updated = await call.SendAsync<Pull>(HttpMethod.Put, $"{pulls}/{found.Id}",
                    new { version = found.Version, title = spec.Title, description = spec.Body }, ct);
                return new PullRequestInfo(Provider, updated!.Id, WebUrl(location, updated.Id), Created: false);
            }

            var repository = new { slug, project = new { key = project } };
            var created = await call.SendAsync<Pull>(HttpMethod.Post, pulls, new
            {
                title = spec.Title,
                description = spec.Body,
                fromRef = new { id = from, repository },
                toRef = new { id = to, repository },
            }, ct, conflictIsRetry: lookups == 0);
            if (created is not null)
                return new PullRequestInfo(Provider, created.Id, WebUrl(location, created.Id), Created: true);
        }
    }

    public async Task PostStatusAsync(CommitStatusSpec spec, CancellationToken ct)
    {
        var settings = options.Value;
        (spec, var location) = PullRequestSpecs.Check(spec, settings, Provider);
        var call = new RestCall(_client, Dialect, spec.Token, location, settings, $"the build status of {spec.CommitSha[..7]}");
        // Build statuses live beside the core API: .../rest/build-status/1.0/, not .../rest/api/1.0/.
        await HostRetry.RunAsync(settings, logger, location, token => call.SendAsync<NoContent>(HttpMethod.Post,
            $"../../build-status/1.0/commits/{spec.CommitSha}",
            new
            {
                state = BitbucketPullRequestHost.BuildState(spec.State), key = CommitStatusSpec.Context, name = "Builder",
                url = BitbucketPullRequestHost.StatusLink(spec, location), description = spec.Description,
            }, token), ct);
        logger.LogInformation("Set the Bitbucket build status of {Commit} on {Repository} to {State}", spec.CommitSha, location.ToString(), spec.State);
    }

    /// <summary>The pull request's page: the API root without rest/api/1.0/, then projects/KEY/repos/slug/pull-requests/id.</summary>
    static string WebUrl(RepositoryLocation location, long id) =>
        new Uri(location.ApiUrl, $"../../../projects/{Uri.EscapeDataString(location.Owner)}/repos/{Uri.EscapeDataString(location.Name)}/pull-requests/{id}/overview").ToString();

    sealed record Page(List<Pull> Values);

    sealed record Pull(long Id, int Version, BranchRef FromRef, BranchRef ToRef);

    sealed record BranchRef(string Id);
}
