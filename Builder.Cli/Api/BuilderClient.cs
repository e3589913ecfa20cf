using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Polly;
using Polly.Retry;

namespace Builder.Cli.Api;

/// <summary>
/// The Builder HTTP API as the CLI uses it: JSON in and out, the API key as a bearer token, a 429
/// waited out as Retry-After says, and any other error turned into an <see cref="ApiException"/>
/// carrying the problem details.
/// </summary>
public sealed class BuilderClient : IDisposable
{
    static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(100);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    readonly HttpClient _http;

    public BuilderClient(string url, string key)
    {
        if (!Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
            throw new CliException($"'{url}' is not an http(s) URL of a Builder API.");
        BaseUrl = baseUrl;
        // Streams stay open for as long as a run takes; ordinary requests get their own timeout below.
        _http = new HttpClient { BaseAddress = baseUrl, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("builder-cli", typeof(BuilderClient).Assembly.GetName().Version?.ToString() ?? "1.0"));
    }

    public Uri BaseUrl { get; }

    public Task<JsonNode> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    public Task<JsonNode> PostAsync(string path, object? body, CancellationToken cancellationToken, string? idempotencyKey = null) =>
        SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body ?? new { }, options: Json) };
            if (idempotencyKey is not null)
                request.Headers.Add("Idempotency-Key", idempotencyKey);
            return request;
        }, cancellationToken);

    /// <summary>A 429 is waited out as its Retry-After says (a second without one), nine times at most.</summary>
    static readonly ResiliencePipeline<HttpResponseMessage> RateLimitRetry = new ResiliencePipelineBuilder<HttpResponseMessage>()
        .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests),
            MaxRetryAttempts = 9,
            BackoffType = DelayBackoffType.Constant,
            Delay = TimeSpan.FromSeconds(1),
            DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.Headers.RetryAfter?.Delta),
            OnRetry = args =>
            {
                args.Outcome.Result?.Dispose();
                return default;
            },
        })
        .Build();

    async Task<JsonNode> SendAsync(Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        // Each attempt gets a fresh request and its own timeout; the body is buffered before the attempt ends.
        using var response = await RateLimitRetry.ExecuteAsync(async token =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(RequestTimeout);
            using var request = create();
            return await SendOnceAsync(request, timeout.Token, token);
        }, cancellationToken);

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw Problem(response.StatusCode, text);
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text) ?? new JsonObject();
    }

    /// <summary>Opens a response for reading as it arrives (Server-Sent Events); the caller disposes it.</summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(string path, string? lastEventId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
            request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await SendOnceAsync(request, cancellationToken, cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        if (response.IsSuccessStatusCode)
            return response;
        using (response)
            throw Problem(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken token, CancellationToken caller,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        try
        {
            return await _http.SendAsync(request, completion, token);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException($"Cannot reach Builder at {BaseUrl}: {ex.Message}");
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            throw new CliException($"Builder at {BaseUrl} did not answer {request.Method} {request.RequestUri} within {RequestTimeout.TotalSeconds:0} seconds.");
        }
    }

    static ApiException Problem(HttpStatusCode status, string body)
    {
        JsonNode? problem = null;
        try
        {
            problem = body.Length == 0 ? null : JsonNode.Parse(body);
        }
        catch (JsonException)
        {
        }

        var detail = problem is JsonObject
            ? (string?)problem["detail"] ?? (string?)problem["title"]
            : null;
        return new ApiException(status, problem as JsonObject, detail ?? $"The API answered {(int)status} {status}{(body.Length == 0 ? "" : $": {body}")}");
    }

    public void Dispose() => _http.Dispose();
}
