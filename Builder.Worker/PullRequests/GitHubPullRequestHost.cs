using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Octokit;
using Octokit.Internal;

namespace Builder.Worker.PullRequests;

/// <summary>
/// Pull requests and commit statuses on github.com and GitHub Enterprise, through Octokit; new
/// repositories for generated components in GitHubPullRequestHost.Repositories.cs.
/// </summary>
public sealed partial class GitHubPullRequestHost(IOptions<HostingOptions> options, HostingHttp http, ILogger<GitHubPullRequestHost> logger)
    : IPullRequestHost, IRepositoryCreator
{
    static readonly ProductHeaderValue Product = new("Builder");

    public string Provider => PullRequestHosts.GitHub;

    public async Task<PullRequestInfo> OpenOrUpdateAsync(PullRequestSpec spec, CancellationToken ct)
    {
        var settings = options.Value;
        (spec, var location) = PullRequestSpecs.Check(spec, settings, Provider);
        var info = await HostRetry.RunAsync(settings, logger, location, token => AttemptAsync(spec, location, settings, token), ct);
        logger.LogInformation("{Action} GitHub pull request #{Number} for {Repository} ({Source} -> {Target})",
            info.Created ? "Opened" : "Updated", info.Number, location.ToString(), spec.SourceBranch, spec.TargetBranch);
        return info;
    }

    async Task<PullRequestInfo> AttemptAsync(PullRequestSpec spec, RepositoryLocation location, HostingOptions settings, CancellationToken ct)
    {
        var client = CreateClient(location, spec.Token, settings, ct);
        var (owner, name) = (location.Owner, location.Name);
        return await GuardAsync(location, spec.Token, settings, $"the pull request {spec.SourceBranch} -> {spec.TargetBranch}", ct, async () =>
        {
            // A second look-up covers a race: another worker opened it between our look-up and create.
            for (var lookups = 0; ; lookups++)
            {
                var open = await Call(client.PullRequest.GetAllForRepository(owner, name, OpenFrom(owner, spec), FirstPage), settings, ct);
                if (open.Count > 0)
                {
                    var updated = await Call(client.PullRequest.Update(owner, name, open[0].Number,
                        new PullRequestUpdate { Title = spec.Title, Body = spec.Body }), settings, ct);
                    return new PullRequestInfo(Provider, updated.Number, updated.HtmlUrl, Created: false);
                }

                try
                {
                    var created = await Call(client.PullRequest.Create(owner, name,
                        new NewPullRequest(spec.Title, spec.SourceBranch, spec.TargetBranch) { Body = spec.Body }), settings, ct);
                    return new PullRequestInfo(Provider, created.Number, created.HtmlUrl, Created: true);
                }
                catch (ApiValidationException e) when (lookups == 0 && AlreadyExists(e))
                {
                    // Someone else's create won: the next look-up finds theirs and updates it.
                }
            }
        });
    }

    public async Task PostStatusAsync(CommitStatusSpec spec, CancellationToken ct)
    {
        var settings = options.Value;
        (spec, var location) = PullRequestSpecs.Check(spec, settings, Provider);
        await HostRetry.RunAsync(settings, logger, location, token => GuardAsync(location, spec.Token, settings, $"the status of {spec.CommitSha[..7]}", token, () =>
        {
            var client = CreateClient(location, spec.Token, settings, token);
            var status = new NewCommitStatus
            {
                State = spec.State switch
                {
                    CommitState.Success => Octokit.CommitState.Success,
                    CommitState.Failure => Octokit.CommitState.Failure,
                    _ => Octokit.CommitState.Pending,
                },
                Description = spec.Description,
                TargetUrl = spec.TargetUrl,
                Context = CommitStatusSpec.Context,
            };
            return Call(client.Repository.Status.Create(location.Owner, location.Name, spec.CommitSha, status), settings, token);
        }), ct);
        logger.LogInformation("Set the GitHub status of {Commit} on {Repository} to {State}", spec.CommitSha, location.ToString(), spec.State);
    }

    /// <summary>One attempt's calls, with GitHub's failures turned into messages that never carry the token.</summary>
    async Task<T> GuardAsync<T>(RepositoryLocation location, string token, HostingOptions settings, string what, CancellationToken ct, Func<Task<T>> calls)
    {
        try
        {
            return await calls();
        }
        catch (ApiException e)
        {
            throw Describe(e, location, token, what);
        }
        catch (HttpRequestException e)
        {
            throw new PullRequestHostException(Provider, $"GitHub could not be reached at {location.ApiUrl}: {e.Message}", transient: true, innerException: e);
        }
        catch (Exception e) when (e is (TimeoutException or OperationCanceledException) && !ct.IsCancellationRequested)
        {
            throw new PullRequestHostException(Provider, $"GitHub did not answer within {settings.RequestTimeout} at {location.ApiUrl}.", transient: true);
        }
    }

    static PullRequestRequest OpenFrom(string owner, PullRequestSpec spec) =>
        new() { Head = $"{owner}:{spec.SourceBranch}", Base = spec.TargetBranch, State = ItemStateFilter.Open };

    // GitHub allows one open pull request per head and base: the first page is enough.
    static readonly ApiOptions FirstPage = new() { PageSize = 10, PageCount = 1, StartPage = 1 };

    /// <summary>
    /// Octokit's calls take no cancellation token: the handler below carries <paramref name="ct"/>
    /// into each request, and this bounds the wait, body read included.
    /// </summary>
    static Task<T> Call<T>(Task<T> call, HostingOptions settings, CancellationToken ct) => call.WaitAsync(settings.RequestTimeout, ct);

    GitHubClient CreateClient(RepositoryLocation location, string token, HostingOptions settings, CancellationToken ct)
    {
        // Connection, not GitHubClient(product, uri): that one rewrites any host but github.com to
        // HOST/api/v3/, which would ignore a configured API root.
        var adapter = new HttpClientAdapter(() => new CallHandler(ct) { InnerHandler = http.CreateHandler() });
        var connection = new Connection(Product, location.ApiUrl, new InMemoryCredentialStore(new Credentials(token)), adapter, new SimpleJsonSerializer());
        var client = new GitHubClient(connection);
        client.SetRequestTimeout(settings.RequestTimeout);
        return client;
    }

    static bool AlreadyExists(ApiValidationException e) =>
        e.ApiError?.Errors?.Any(d => d.Message?.Contains("already exists", StringComparison.OrdinalIgnoreCase) == true) == true;

    PullRequestHostException Describe(ApiException e, RepositoryLocation location, string token, string what)
    {
        var status = (int)e.StatusCode;
        var said = Secrets.Shorten(Secrets.Scrub(Said(e), token));
        var message = e switch
        {
            RateLimitExceededException or SecondaryRateLimitExceededException => $"GitHub's rate limit stops calls for {location}: {status} {said}",
            _ => e.StatusCode switch
            {
                HttpStatusCode.Unauthorized => $"GitHub refused the token: {status} {said}",
                HttpStatusCode.Forbidden => $"GitHub denied the token access to {location} (it may lack the pull request permission): {status} {said}",
                HttpStatusCode.NotFound => $"GitHub found no repository {location}, or the token cannot see it: {status} {said}",
                (HttpStatusCode)422 => $"GitHub rejected {what} on {location}: {status} {said}",
                _ => $"GitHub answered {status} for {location}: {said}",
            },
        };
        // The inner exception is dropped on purpose: its text is the server's, unscrubbed.
        // A rate limit passes: retried with back-off like a 5xx.
        var rateLimited = e is RateLimitExceededException or SecondaryRateLimitExceededException || status == 429;
        return new PullRequestHostException(Provider, message, status, transient: status >= 500 || rateLimited);
    }

    /// <summary>The server's message plus the details of a validation error, which hold the real reason.</summary>
    static string Said(ApiException e)
    {
        var details = e.ApiError?.Errors?.Select(d => d.Message ?? d.Code).Where(d => !string.IsNullOrWhiteSpace(d)).ToList() ?? [];
        return details.Count == 0 ? e.Message : $"{e.Message}: {string.Join("; ", details)}";
    }

    /// <summary>Carries the caller's cancellation into requests Octokit sends without it.</summary>
    sealed class CallHandler(CancellationToken ct) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, ct);
            return await base.SendAsync(request, linked.Token);
        }
    }
}
