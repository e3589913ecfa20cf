using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Builder.Worker.PullRequests;

/// <summary>
/// Merge requests and commit statuses on gitlab.com and self-hosted GitLab, through its REST API v4;
/// new projects for generated components in GitLabMergeRequestHost.Projects.cs.
/// </summary>
public sealed partial class GitLabMergeRequestHost(IOptions<HostingOptions> options, HostingHttp http, ILogger<GitLabMergeRequestHost> logger)
    : IPullRequestHost, IRepositoryCreator
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    readonly HttpClient _client = http.CreateClient();

    public string Provider => PullRequestHosts.GitLab;

    public async Task<PullRequestInfo> OpenOrUpdateAsync(PullRequestSpec spec, CancellationToken ct)
    {
        var settings = options.Value;
        (spec, var location) = PullRequestSpecs.Check(spec, settings, Provider);
        var info = await HostRetry.RunAsync(settings, logger, location, token => AttemptAsync(spec, location, settings, token), ct);
        logger.LogInformation("{Action} GitLab merge request !{Number} for {Repository} ({Source} -> {Target})",
            info.Created ? "Opened" : "Updated", info.Number, location.ToString(), spec.SourceBranch, spec.TargetBranch);
        return info;
    }

    async Task<PullRequestInfo> AttemptAsync(PullRequestSpec spec, RepositoryLocation location, HostingOptions settings, CancellationToken ct)
    {
        // GitLab names a project by its full path with the slashes encoded: group%2Fsub%2Frepo.
        var requests = $"api/v4/projects/{Uri.EscapeDataString(location.Path)}/merge_requests";
        var call = new Call(this, spec.Token, location, settings, $"the merge request {spec.SourceBranch} -> {spec.TargetBranch}");

        // A second look-up covers a race: another worker opened it between our look-up and create.
        for (var lookups = 0; ; lookups++)
        {
            var query = $"?state=opened&source_branch={Uri.EscapeDataString(spec.SourceBranch)}&target_branch={Uri.EscapeDataString(spec.TargetBranch)}";
            var open = await call.SendAsync<List<MergeRequest>>(HttpMethod.Get, requests + query, null, ct);
            if (open is { Count: > 0 })
            {
                var updated = await call.SendAsync<MergeRequest>(HttpMethod.Put, $"{requests}/{open[0].Iid}",
                    new { title = spec.Title, description = spec.Body }, ct);
                return new PullRequestInfo(Provider, updated!.Iid, updated.WebUrl, Created: false);
            }

            var created = await call.SendAsync<MergeRequest>(HttpMethod.Post, requests, new
            {
                source_branch = spec.SourceBranch,
                target_branch = spec.TargetBranch,
                title = spec.Title,
                description = spec.Body,
                remove_source_branch = true,
            }, ct, alreadyExistsIsRetry: lookups == 0);
            if (created is not null)
                return new PullRequestInfo(Provider, created.Iid, created.WebUrl, Created: true);
        }
    }

    public async Task PostStatusAsync(CommitStatusSpec spec, CancellationToken ct)
    {
        var settings = options.Value;
        (spec, var location) = PullRequestSpecs.Check(spec, settings, Provider);
        var call = new Call(this, spec.Token, location, settings, $"the status of {spec.CommitSha[..7]}");
        var state = spec.State switch
        {
            CommitState.Success => "success",
            CommitState.Failure => "failed",
            _ => "pending",
        };
        await HostRetry.RunAsync(settings, logger, location, token => call.SendAsync<PipelineStatus>(HttpMethod.Post,
            $"api/v4/projects/{Uri.EscapeDataString(location.Path)}/statuses/{spec.CommitSha}",
            new { state, name = CommitStatusSpec.Context, description = spec.Description, target_url = spec.TargetUrl }, token), ct);
        logger.LogInformation("Set the GitLab status of {Commit} on {Repository} to {State}", spec.CommitSha, location.ToString(), spec.State);
    }

    sealed record MergeRequest(long Iid, string WebUrl);

    sealed record PipelineStatus(long Id);

    /// <summary>The requests of one attempt, sharing what they need to describe a failure.</summary>
    sealed class Call(GitLabMergeRequestHost host, string token, RepositoryLocation location, HostingOptions settings, string what)
    {
        /// <returns>Null only when <paramref name="alreadyExistsIsRetry"/> and GitLab answered 409: look again.</returns>
        public async Task<T?> SendAsync<T>(HttpMethod method, string relative, object? body, CancellationToken ct, bool alreadyExistsIsRetry = false)
            where T : class
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(settings.RequestTimeout);
            using var request = new HttpRequestMessage(method, new Uri(location.ApiUrl, relative));
            request.Headers.Add("PRIVATE-TOKEN", token);
            request.Headers.Accept.ParseAdd("application/json");
            if (body is not null)
                request.Content = JsonContent.Create(body, options: Json);
            try
            {
                using var response = await host._client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                var text = await response.Content.ReadAsStringAsync(timeout.Token);
                if (response.IsSuccessStatusCode)
                    return JsonSerializer.Deserialize<T>(text, Json)
                           ?? throw new PullRequestHostException(host.Provider, $"GitLab answered {(int)response.StatusCode} with no body for {location}.");
                if (response.StatusCode == HttpStatusCode.Conflict && alreadyExistsIsRetry)
                    return null;
                throw Describe(response, text);
            }
            catch (JsonException e)
            {
                throw new PullRequestHostException(host.Provider, $"GitLab at {location.ApiUrl} answered with something that is not a merge request: {e.Message}");
            }
            catch (HttpRequestException e)
            {
                throw new PullRequestHostException(host.Provider, $"GitLab could not be reached at {location.ApiUrl}: {e.Message}", transient: true, innerException: e);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new PullRequestHostException(host.Provider, $"GitLab did not answer within {settings.RequestTimeout} at {location.ApiUrl}.", transient: true);
            }
        }

        PullRequestHostException Describe(HttpResponseMessage response, string text)
        {
            var status = (int)response.StatusCode;
            var said = Secrets.Shorten(Secrets.Scrub(Said(text, response.ReasonPhrase), token));
            // GitLab's messages often repeat the status ("401 Unauthorized"); say it once.
            if (said.StartsWith($"{status} ", StringComparison.Ordinal))
                said = said[(status.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + 1)..];
            var message = response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => $"GitLab refused the token: {status} {said}",
                HttpStatusCode.Forbidden => $"GitLab denied the token access to {location} (it needs the api scope and at least the Developer role): {status} {said}",
                HttpStatusCode.NotFound => $"GitLab found no project {location}, or the token cannot see it: {status} {said}",
                HttpStatusCode.TooManyRequests => $"GitLab's rate limit stops calls for {location}: {status} {said}",
                >= HttpStatusCode.MultipleChoices and < HttpStatusCode.BadRequest =>
                    $"GitLab at {location.ApiUrl} redirected to {response.Headers.Location}; point Builder:Hosting:GitLab:ApiUrl at the instance itself: {status}",
                >= HttpStatusCode.BadRequest and < HttpStatusCode.InternalServerError =>
                    $"GitLab rejected {what} on {location}: {status} {said}",
                _ => $"GitLab answered {status} for {location}: {said}",
            };
            // A rate limit passes: retried with back-off like a 5xx.
            return new PullRequestHostException(host.Provider, message, status, transient: status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests);
        }

        /// <summary>GitLab's "message" is a string, a list or a map of field → errors; OAuth errors use "error_description".</summary>
        static string Said(string text, string? reason)
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    if (root.TryGetProperty("message", out var message))
                        return Flatten(message);
                    if (root.TryGetProperty("error_description", out var description))
                        return Flatten(description);
                    if (root.TryGetProperty("error", out var error))
                        return Flatten(error);
                }
            }
            catch (JsonException)
            {
            }
            return string.IsNullOrWhiteSpace(text) ? reason ?? "" : text.Trim();
        }

        static string Flatten(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.String => element.GetString() ?? "",
            JsonValueKind.Array => string.Join("; ", element.EnumerateArray().Select(Flatten)),
            JsonValueKind.Object => string.Join("; ", element.EnumerateObject().Select(p => $"{p.Name} {Flatten(p.Value)}")),
            _ => element.ToString(),
        };
    }
}
