using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Builder.Worker.PullRequests;

/// <summary>How one host's REST API is spoken: its name in messages, its authentication and its error shape.</summary>
/// <param name="Name">"Gitea", "Bitbucket"...: how messages name the host.</param>
/// <param name="Authenticate">Puts the token on a request, in the host's scheme.</param>
/// <param name="Said">The host's own message in an error body, or null when it has none.</param>
/// <param name="IsConflict">Whether an answer means "a pull request for these branches already exists".</param>
sealed record RestDialect(string Provider, string Name, Action<HttpRequestMessage, string> Authenticate, Func<JsonElement, string?> Said,
    Func<HttpStatusCode, string, bool> IsConflict, JsonSerializerOptions Json);

/// <summary>
/// The requests of one attempt against a host's REST API, with its failures turned into
/// <see cref="PullRequestHostException"/>s in Builder's words: never the token, always the repository;
/// 5xx, 429 and time-outs transient, everything else final.
/// </summary>
sealed class RestCall(HttpClient client, RestDialect dialect, string token, RepositoryLocation location, HostingOptions settings, string what)
{
    /// <returns>Null only when <paramref name="conflictIsRetry"/> and the host said the request exists: look again.</returns>
    public async Task<T?> SendAsync<T>(HttpMethod method, string relative, object? body, CancellationToken ct, bool conflictIsRetry = false)
        where T : class
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.RequestTimeout);
        using var request = new HttpRequestMessage(method, new Uri(location.ApiUrl, relative));
        dialect.Authenticate(request, token);
        request.Headers.Accept.ParseAdd("application/json");
        if (body is not null)
            request.Content = JsonContent.Create(body, options: dialect.Json);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            if (response.IsSuccessStatusCode)
                return text.Length == 0 && typeof(T) == typeof(NoContent) ? (T)(object)NoContent.Value
                    : JsonSerializer.Deserialize<T>(text, dialect.Json)
                      ?? throw new PullRequestHostException(dialect.Provider, $"{dialect.Name} answered {(int)response.StatusCode} with no body for {location}.");
            if (conflictIsRetry && dialect.IsConflict(response.StatusCode, text))
                return null;
            throw Describe(response, text);
        }
        catch (JsonException e)
        {
            throw new PullRequestHostException(dialect.Provider, $"{dialect.Name} at {location.ApiUrl} answered with something Builder cannot read: {e.Message}");
        }
        catch (HttpRequestException e)
        {
            throw new PullRequestHostException(dialect.Provider, $"{dialect.Name} could not be reached at {location.ApiUrl}: {e.Message}", transient: true, innerException: e);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new PullRequestHostException(dialect.Provider, $"{dialect.Name} did not answer within {settings.RequestTimeout} at {location.ApiUrl}.", transient: true);
        }
    }

    PullRequestHostException Describe(HttpResponseMessage response, string text)
    {
        var status = (int)response.StatusCode;
        var said = Secrets.Shorten(Secrets.Scrub(Said(text) ?? response.ReasonPhrase ?? "", token));
        var name = dialect.Name;
        var message = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => $"{name} refused the token: {status} {said}",
            HttpStatusCode.Forbidden => $"{name} denied the token access to {location} (it needs write access to pull requests): {status} {said}",
            HttpStatusCode.NotFound => $"{name} found no repository {location}, or the token cannot see it: {status} {said}",
            HttpStatusCode.TooManyRequests => $"{name}'s rate limit stops calls for {location}: {status} {said}",
            >= HttpStatusCode.MultipleChoices and < HttpStatusCode.BadRequest =>
                $"{name} at {location.ApiUrl} redirected to {response.Headers.Location}; point Builder:Hosting at the API itself: {status}",
            >= HttpStatusCode.BadRequest and < HttpStatusCode.InternalServerError => $"{name} rejected {what} on {location}: {status} {said}",
            _ => $"{name} answered {status} for {location}: {said}",
        };
        return new PullRequestHostException(dialect.Provider, message, status, transient: status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests);
    }

    string? Said(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return dialect.Said(document.RootElement);
        }
        catch (JsonException)
        {
            return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        }
    }
}

/// <summary>An answer whose body does not matter (or is empty).</summary>
sealed class NoContent
{
    public static readonly NoContent Value = new();
}
