using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Polly;

namespace Builder.Web.Services;

/// <summary>
/// The dashboard's only way to Builder: the API over HTTP, with the circuit's API key as a bearer
/// token. Errors come out as <see cref="BuilderApiException"/>s whose message can be shown as is.
/// </summary>
public sealed partial class BuilderApiClient(HttpClient http, ApiSession session, ILogger<BuilderApiClient> logger)
{
    /// <summary>The name the AppHost publishes the API under (<c>services__api__http__0</c>); service discovery resolves it.</summary>
    public const string ServiceAddress = "http://api";

    public const string KeyNoLongerAccepted = "Your API key is no longer accepted. Sign in again.";

    /// <summary>
    /// Checks <paramref name="apiKey"/> with <c>GET /api/me</c> and, if the API accepts it, signs the
    /// circuit in. Returns false when the API answers 401.
    /// </summary>
    public async Task<bool> SignInAsync(string apiKey, CancellationToken ct = default)
    {
        if (await CheckKeyAsync(apiKey, ct) is not { } me)
            return false;
        session.SignIn(apiKey, me);
        return true;
    }

    /// <summary>Who <paramref name="apiKey"/> belongs to, from <c>GET /api/me</c>; null when the API refuses it.</summary>
    public async Task<Me?> CheckKeyAsync(string apiKey, CancellationToken ct = default)
    {
        // A key with spaces, line breaks or non-ASCII cannot travel in a header, so it cannot be
        // valid; sending it would only fail here, with a less helpful error.
        if (apiKey.Length == 0 || apiKey.Any(c => c is < '!' or > '~'))
            return null;
        try
        {
            return await ReadAsync<Me>(HttpMethod.Get, "api/me", null, apiKey, ct);
        }
        catch (BuilderApiException e) when (e.StatusCode == (int)HttpStatusCode.Unauthorized)
        {
            return null;
        }
    }

    public Task<T> GetAsync<T>(string uri, CancellationToken ct = default) => SignedInAsync(key => ReadAsync<T>(HttpMethod.Get, uri, null, key, ct));

    /// <summary>A text resource (an artifact); null when the API answers 404.</summary>
    public Task<string?> GetTextOrNullAsync(string uri, CancellationToken ct = default) => SignedInAsync(async key =>
    {
        try
        {
            using var response = await SendAsync(HttpMethod.Get, uri, null, key, ct);
            return await response.Content.ReadAsStringAsync(ct);
        }
        catch (BuilderApiException e) when (e.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    });

    public Task<T> SendAsync<T>(HttpMethod method, string uri, object? body, CancellationToken ct = default) =>
        SignedInAsync(key => ReadAsync<T>(method, uri, body, key, ct));

    /// <summary>A call whose answer has no body to read (204, or one the caller does not need).</summary>
    public Task SendAsync(HttpMethod method, string uri, object? body, CancellationToken ct = default) =>
        SignedInAsync<bool>(async key =>
        {
            using var _ = await SendAsync(method, uri, body, key, ct);
            return true;
        });

    async Task<T> SignedInAsync<T>(Func<string, Task<T>> call)
    {
        var key = session.ApiKey ?? throw new BuilderApiException("Sign in first.", (int)HttpStatusCode.Unauthorized);
        try
        {
            return await call(key);
        }
        catch (BuilderApiException e) when (e.StatusCode == (int)HttpStatusCode.Unauthorized)
        {
            // The key was revoked or expired while the page was open: end the session so the
            // page asks for a new key instead of failing every refresh.
            session.SignOut(KeyNoLongerAccepted);
            throw;
        }
    }

    async Task<T> ReadAsync<T>(HttpMethod method, string uri, object? body, string apiKey, CancellationToken ct)
    {
        using var response = await SendAsync(method, uri, body, apiKey, ct);
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, ct)
                   ?? throw new JsonException("The body is empty.");
        }
        catch (JsonException e)
        {
            logger.LogWarning(e, "The Builder API answered {Method} {Path} with a body that does not parse", method, uri);
            throw new BuilderApiException("The Builder API answered in a form this dashboard does not understand.", (int)response.StatusCode, e);
        }
    }

    /// <summary>Sends one request; a non-success answer becomes a <see cref="BuilderApiException"/>. The caller disposes the answer.</summary>
    async Task<HttpResponseMessage> SendAsync(HttpMethod method, string uri, object? body, string apiKey, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        if (body is not null)
            request.Content = new StringContent(JsonSerializer.Serialize(body, ApiJson.Options), Encoding.UTF8, "application/json");

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
            logger.LogDebug(e, "The Builder API did not answer {Method} {Path}", method, request.RequestUri?.AbsolutePath ?? uri);
            throw new BuilderApiException("The Builder API cannot be reached right now.", inner: e);
        }

        if (response.IsSuccessStatusCode)
            return response;
        using (response)
            throw await ProblemAsync(response, ct);
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
                : problem?.Errors is { Count: > 0 } errors ? string.Join(" ", errors.SelectMany(e => e.Value))
                : !string.IsNullOrWhiteSpace(problem?.Title) ? problem.Title
                : null;
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's HTML page, an empty body): the status line will do.
        }
        return new BuilderApiException(text ?? $"The Builder API answered {status} {response.ReasonPhrase}.", status);
    }

    static string Query(params (string Name, object? Value)[] parts) =>
        string.Join('&', parts.Where(p => p.Value is not null && p.Value is not "")
            .Select(p => $"{p.Name}={Uri.EscapeDataString(Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture)!)}"));
}
