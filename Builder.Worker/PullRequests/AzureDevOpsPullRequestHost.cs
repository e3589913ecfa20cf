using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Builder.Worker.PullRequests;

/// <summary>Pull requests on Azure DevOps Repos (dev.azure.com and Azure DevOps Server), through its REST API 7.1.</summary>
public sealed class AzureDevOpsPullRequestHost(IOptions<HostingOptions> options, HostingHttp http, ILogger<AzureDevOpsPullRequestHost> logger) : IPullRequestHost
{
    const string Version = "api-version=7.1";

    // Azure DevOps refuses longer pull request descriptions.
    const int MaxDescription = 4000;

    static readonly RestDialect Dialect = new(PullRequestHosts.AzureDevOps, "Azure DevOps",
        // A personal access token travels as the password of Basic authentication, with no user name.
        (request, token) => request.Headers.Authorization = new("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes(":" + token))),
        error => error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) ? message.ToString() : null,
        // TF401179: "An active pull request for the source and target branch already exists."
        (status, text) => status == HttpStatusCode.Conflict && text.Contains("TF401179", StringComparison.Ordinal),
        new JsonSerializerOptions(JsonSerializerDefaults.Web));

    readonly HttpClient _client = http.CreateClient();

    public string Provider => PullRequestHosts.AzureDevOps;

    public async Task<PullRequestInfo> OpenOrUpdateAsync(PullRequestSpec spec, CancellationToken ct)
    {
        var settings = options.Value;
        (spec, var location) = PullRequestSpecs.Check(spec, settings, Provider);
        spec = spec with { Body = spec.Body.Length <= MaxDescription ? spec.Body : spec.Body[..(MaxDescription - 1)] + "…" };
        var info = await HostRetry.RunAsync(settings, logger, location, token => AttemptAsync(spec, location, settings, token), ct);
        logger.LogInformation("{Action} Azure DevOps pull request !{Number} for {Repository} ({Source} -> {Target})",
            info.Created ? "Opened" : "Updated", info.Number, location.ToString(), spec.SourceBranch, spec.TargetBranch);
        return info;
    }

    async Task<PullRequestInfo> AttemptAsync(PullRequestSpec spec, RepositoryLocation location, HostingOptions settings, CancellationToken ct)
    {
        var repository = Repository(location);
        var call = new RestCall(_client, Dialect, spec.Token, location, settings, $"the pull request {spec.SourceBranch} -> {spec.TargetBranch}");
        var (source, target) = ($"refs/heads/{spec.SourceBranch}", $"refs/heads/{spec.TargetBranch}");

        // A second look-up covers a race: another worker opened it between our look-up and create.
        for (var lookups = 0; ; lookups++)
        {
            var query = $"searchCriteria.status=active&searchCriteria.sourceRefName={Uri.EscapeDataString(source)}" +
                        $"&searchCriteria.targetRefName={Uri.EscapeDataString(target)}&{Version}";
            var open = await call.SendAsync<PullList>(HttpMethod.Get, $"{repository}/pullrequests?{query}", null, ct);
            if (open?.Value is [var found, ..])
            {
                await call.SendAsync<Pull>(HttpMethod.Patch, $"{repository}/pullrequests/{found.PullRequestId}?{Version}",
                    new { title = spec.Title, description = spec.Body }, ct);
                return new PullRequestInfo(Provider, found.PullRequestId, WebUrl(location, found.PullRequestId), Created: false);
            }

            var created = await call.SendAsync<Pull>(HttpMethod.Post, $"{repository}/pullrequests?{Version}",
                new { sourceRefName = source, targetRefName = target, title = spec.Title, description = spec.Body }, ct, conflictIsRetry: lookups == 0);
            if (created is not null)
                return new PullRequestInfo(Provider, created.PullRequestId, WebUrl(location, created.PullRequestId), Created: true);
        }
    }

    public async Task PostStatusAsync(CommitStatusSpec spec, CancellationToken ct)
    {
        var settings = options.Value;
        (spec, var location) = PullRequestSpecs.Check(spec, settings, Provider);
        var call = new RestCall(_client, Dialect, spec.Token, location, settings, $"the status of {spec.CommitSha[..7]}");
        var state = spec.State switch
        {
            CommitState.Success => "succeeded",
            CommitState.Failure => "failed",
            _ => "pending",
        };
        await HostRetry.RunAsync(settings, logger, location, token => call.SendAsync<NoContent>(HttpMethod.Post,
            $"{Repository(location)}/commits/{spec.CommitSha}/statuses?{Version}",
            new { state, description = spec.Description, targetUrl = spec.TargetUrl, context = new { name = CommitStatusSpec.Context, genre = CommitStatusSpec.Context } },
            token), ct);
        logger.LogInformation("Set the Azure DevOps status of {Commit} on {Repository} to {State}", spec.CommitSha, location.ToString(), spec.State);
    }

    /// <summary>"{organization}/{project}/_apis/git/repositories/{repository}", each part escaped.</summary>
    static string Repository(RepositoryLocation location)
    {
        var parts = location.Path.Split('/').Select(Uri.EscapeDataString).ToArray();
        return $"{parts[0]}/{parts[1]}/_apis/git/repositories/{parts[2]}";
    }

    static string WebUrl(RepositoryLocation location, long id)
    {
        var parts = location.Path.Split('/').Select(Uri.EscapeDataString).ToArray();
        return new Uri(location.ApiUrl, $"{parts[0]}/{parts[1]}/_git/{parts[2]}/pullrequest/{id}").ToString();
    }

    sealed record PullList(List<Pull> Value);

    sealed record Pull(long PullRequestId);
}
