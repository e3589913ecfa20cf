using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Polly;

namespace Builder.Web.Services;

/// <summary>
/// The dashboard's only way to Builder: the API over HTTP, with the circuit's API key as a bearer
/// token. Errors come out as <see cref="BuilderApiException"/>s whose message can be shown as is.
/// </summary>
public sealed class BuilderApiClient(HttpClient http, ApiSession session, ILogger<BuilderApiClient> logger)
{
    /// <summary>The name the AppHost publishes the API under (<c>services__api__http__0</c>); service discovery resolves it.</summary>
    public const string ServiceAddress = "http://api";

    const string KeyNoLongerAccepted = "Your API key is no longer accepted. Sign in again.";

    /// <summary>
    /// Checks <paramref name="apiKey"/> with <c>GET /api/me</c> and, if the API accepts it, signs the
    /// circuit in. Returns false when the API answers 401.
    /// </summary>
    public async Task<bool> SignInAsync(string apiKey, CancellationToken ct = default)
    {
        // A key with spaces, line breaks or non-ASCII cannot travel in a header, so it cannot be
        // valid; sending it would only fail here, with a less helpful error.
        if (apiKey.Length == 0 || apiKey.Any(c => c is < '!' or > '~'))
            return false;
        try
        {
            var me = await GetAsync<Me>("api/me", apiKey, ct);
            session.SignIn(apiKey, me);
            return true;
        }
        catch (BuilderApiException e) when (e.StatusCode == (int)HttpStatusCode.Unauthorized)
        {
            return false;
        }
    }

    public Task<FeaturePage> GetFeaturesAsync(FeatureQuery query, CancellationToken ct = default) =>
        GetSignedInAsync<FeaturePage>(FeaturesUri(query), ct);

    /// <summary>
    /// One page of features plus how many features are in each status. The API has no counts
    /// endpoint yet, so each count is the total of a one-row query for that status. The page is
    /// asked first: when the API is down that is one failed call per refresh, not nine.
    /// </summary>
    public async Task<FeatureOverview> GetOverviewAsync(FeatureQuery query, CancellationToken ct = default)
    {
        var page = await GetFeaturesAsync(query, ct);
        var statuses = Enum.GetValues<FeatureStatus>();
        var totals = await Task.WhenAll(statuses.Select(async s =>
            (await GetFeaturesAsync(new FeatureQuery(s, query.RepositoryId, Page: 1, PageSize: 1), ct)).Total));
        return new FeatureOverview(page, statuses.Zip(totals).ToDictionary(x => x.First, x => x.Second));
    }

    static string FeaturesUri(FeatureQuery query)
    {
        var uri = $"api/features?page={query.Page}&pageSize={query.PageSize}";
        if (query.Status is { } status)
            uri += $"&status={status}";
        if (query.RepositoryId is { } repositoryId)
            uri += $"&repositoryId={repositoryId}";
        return uri;
    }

    async Task<T> GetSignedInAsync<T>(string uri, CancellationToken ct)
    {
        var key = session.ApiKey ?? throw new BuilderApiException("Sign in first.", (int)HttpStatusCode.Unauthorized);
        try
        {
            return await GetAsync<T>(uri, key, ct);
        }
        catch (BuilderApiException e) when (e.StatusCode == (int)HttpStatusCode.Unauthorized)
        {
            // The key was revoked or expired while the page was open: end the session so the
            // page asks for a new key instead of failing every refresh.
            session.SignOut(KeyNoLongerAccepted);
            throw;
        }
    }

    async Task<T> GetAsync<T>(string uri, string apiKey, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (Exception e) when (e is HttpRequestException or ExecutionRejectedException
                                  || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            // Debug only: the resilience pipeline has logged each attempt, and the page that
            // called says what it does about it.
            logger.LogDebug(e, "The Builder API did not answer GET {Path}", request.RequestUri?.AbsolutePath ?? uri);
            throw new BuilderApiException("The Builder API cannot be reached right now.", inner: e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw await ProblemAsync(response, ct);
            try
            {
                return await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, ct)
                       ?? throw new JsonException("The body is empty.");
            }
            catch (JsonException e)
            {
                logger.LogWarning(e, "The Builder API answered GET {Path} with a body that does not parse", uri);
                throw new BuilderApiException("The Builder API answered in a form this dashboard does not understand.", (int)response.StatusCode, e);
            }
        }
    }

    /// <summary>Turns an error answer into the sentence to show: the problem's detail, else its title, else the status line.</summary>
    static async Task<BuilderApiException> ProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        string? text = null;
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemBody>(ApiJson.Options, ct);
            text = !string.IsNullOrWhiteSpace(problem?.Detail) ? problem.Detail
                : !string.IsNullOrWhiteSpace(problem?.Title) ? problem.Title
                : null;
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's HTML page, an empty body): the status line will do.
        }
        return new BuilderApiException(text ?? $"The Builder API answered {status} {response.ReasonPhrase}.", status);
    }
}

/// <summary>What the feature board shows: one page of features and the count of each status.</summary>
public sealed record FeatureOverview(FeaturePage Page, IReadOnlyDictionary<FeatureStatus, int> Counts)
{
    public int Total => Counts.Values.Sum();

    public bool SameAs(FeatureOverview other) =>
        Page.SameAs(other.Page)
        && Counts.Count == other.Counts.Count
        && Counts.All(c => other.Counts.TryGetValue(c.Key, out var n) && n == c.Value);
}
