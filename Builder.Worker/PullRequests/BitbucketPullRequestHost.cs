using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Builder.Worker.PullRequests;

/// <summary>Pull requests on Bitbucket Cloud (bitbucket.org), through its REST API 2.0.</summary>
public sealed class BitbucketPullRequestHost(IOptions<HostingOptions> options, HostingHttp http, ILogger<BitbucketPullRequestHost> logger) : IPullRequestHost
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    static readonly RestDialect Dialect = new(PullRequestHosts.Bitbucket, "Bitbucket",
        (request, token) => request.Headers.Authorization = new("Bearer", token),
        // {"type": "error", "error": {"message": "...", "detail": "..."}}
        error => error.ValueKind == JsonValueKind.Object && error.TryGetProperty("error", out var inner) && inner.ValueKind == JsonValueKind.Object
            ? string.Join(": ", new[] { "message", "detail" }.Select(p => inner.TryGetProperty(p, out var v) ? v.ToString() : null).Where(t => !string.IsNullOrEmpty(t)))
            : null,
        (status, text) => status is HttpStatusCode.Conflict or HttpStatusCode.BadRequest && text.Contains("already", StringComparison.OrdinalIgnoreCase),
        Json);

    readonly HttpClient _client = http.CreateClient();

    public string Provider => PullRequestHosts.Bitbucket;

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
        var pulls = $"repositories/{Escape(location.Owner)}/{Escape(location.Name)}/pullrequests";
        var call = new RestCall(_client, Dialect, spec.Token, location, settings, $"the pull request {spec.SourceBranch} -> {spec.TargetBranch}");
        var query = Uri.EscapeDataString($"source.branch.name=\"{spec.SourceBranch}\" AND destination.branch.name=\"{spec.TargetBranch}\"");

        // A second look-up covers a race: another worker opened it between our look-up and create.
        for (var lookups = 0; ; lookups++)
        {
            var open = await call.SendAsync<Page>(HttpMethod.Get, $"{pulls}?state=OPEN&q={query}", null, ct);
            if (open?.Values.FirstOrDefault(p => p.Source.Branch.Name == spec.SourceBranch && p.Destination.Branch.Name == spec.TargetBranch) is { } found)
            {
                var updated = await call.SendAsync<Pull>(HttpMethod.Put, $"{pulls}/{found.Id}", new { title = spec.Title, description = spec.Body }, ct);
                return new PullRequestInfo(Provider, updated!.Id, updated.Links.Html.Href, Created: false);
            }

            var created = await call.SendAsync<Pull>(HttpMethod.Post, pulls, new
            {
                title = spec.Title,
                description = spec.Body,
                source = new { branch = new { name = spec.SourceBranch } },
                destination = new { branch = new { name = spec.TargetBranch } },
                close_source_branch = true,
            }, ct, conflictIsRetry: lookups == 0);
            if (created is not null)
                return new PullRequestInfo(Provider, created.Id, created.Links.Html.Href, Created: true);
        }
    }

    public async Task PostStatusAsync(CommitStatusSpec spec, CancellationToken ct)
    {
        var settings = options.Value;
        (spec, var location) = PullRequestSpecs.Check(spec, settings, Provider);
        var call = new RestCall(_client, Dialect, spec.Token, location, settings, $"the build status of {spec.CommitSha[..7]}");
        await HostRetry.RunAsync(settings, logger, location, token => call.SendAsync<NoContent>(HttpMethod.Post,
            $"repositories/{Escape(location.Owner)}/{Escape(location.Name)}/commit/{spec.CommitSha}/statuses/build",
            new { key = CommitStatusSpec.Context, state = BuildState(spec.State), name = "Builder", description = spec.Description, url = StatusLink(spec, location) },
            token), ct);
        logger.LogInformation("Set the Bitbucket build status of {Commit} on {Repository} to {State}", spec.CommitSha, location.ToString(), spec.State);
    }

    /// <summary>Bitbucket's build states, shared by Cloud and Data Center.</summary>
    internal static string BuildState(CommitState state) => state switch
    {
        CommitState.Success => "SUCCESSFUL",
        CommitState.Failure => "FAILED",
        _ => "INPROGRESS",
    };

    /// <summary>Bitbucket requires a link on every build status: the run's page, else the repository's.</summary>
    internal static string StatusLink(CommitStatusSpec spec, RepositoryLocation location) =>
        spec.TargetUrl ?? $"https://{location.Host}/{location.Path}";

    static string Escape(string segment) => Uri.EscapeDataString(segment);

    sealed record Page(List<Pull> Values);

    sealed record Pull(long Id, Ref Source, Ref Destination, Links Links);

    sealed record Ref(BranchName Branch);

    sealed record BranchName(string Name);

    sealed record Links(Link Html);

    sealed record Link(string Href);
}
