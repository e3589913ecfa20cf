using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Builder.Core.Llm;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Builder.Worker.Agent.Llm;

/// <summary>
/// Sits under the SK connector (OpenAI or Anthropic) on the HTTP client it uses: the one place that
/// sees the exact request and response. It answers from the transcript (replay, resumed steps),
/// refuses a request that would pass the budget, retries 429/5xx (honouring Retry-After) and
/// timeouts with back-off (Polly), and leaves the exchange for the caller to record. The connectors' own
/// retries are switched off so that retrying happens here only.
/// </summary>
public sealed class ModelHttpHandler(ModelTraffic traffic, LlmOptions options, TimeProvider clock) : DelegatingHandler
{
    static readonly HttpStatusCode[] Transient =
        [HttpStatusCode.TooManyRequests, HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout, (HttpStatusCode)529];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var bodyText = Encoding.UTF8.GetString(body);
        var sha = Convert.ToHexStringLower(SHA256.HashData(body));
        var url = request.RequestUri?.ToString() ?? "";

        if (traffic.IsReplay)
        {
            var recorded = traffic.NextReplayed()
                           ?? throw new ReplayDivergedException("The replayed step asked the model once more than the recorded run did.");
            if (recorded.RequestSha != sha)
                traffic.ReplayMismatches++;
            traffic.Last = new ModelExchange(url, bodyText, sha, 200, recorded.ResponseBody, true, [], 0);
            return Answer(request, HttpStatusCode.OK, recorded.ResponseBody);
        }

        if (traffic.TryTakeCached(sha, out var cached))
        {
            traffic.Last = new ModelExchange(url, bodyText, sha, 200, cached, true, [], 0);
            return Answer(request, HttpStatusCode.OK, cached);
        }

        await traffic.CheckBudget(TokenEstimate.OfBytes(body.Length));

        var retries = new List<RetryNote>();
        var stopwatch = Stopwatch.StartNew();
        var pipeline = RetryPipeline(retries);
        try
        {
            var answer = await pipeline.ExecuteAsync(async token =>
            {
                using var response = await base.SendAsync(Copy(request, body), token);
                var text = await response.Content.ReadAsStringAsync(token);
                return new Attempt(response.StatusCode, text, RetryAfter(response.Headers.RetryAfter), response.Headers.ToList());
            }, cancellationToken);
            if (Transient.Contains(answer.Status))
                throw Unavailable(retries.Count + 1, Describe(answer));
            traffic.Last = new ModelExchange(url, bodyText, sha, (int)answer.Status, answer.Body, false, retries, stopwatch.ElapsedMilliseconds);
            return Answer(request, answer);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            throw Unavailable(retries.Count + 1, Describe(ex));
        }
    }

    /// <summary>One answer of the endpoint, read whole, so a retried request never leaves a response open.</summary>
    sealed record Attempt(HttpStatusCode Status, string Body, TimeSpan? RetryAfter, IReadOnlyList<KeyValuePair<string, IEnumerable<string>>> Headers);

    /// <summary>
    /// Polly retries 429/5xx, connection failures and per-request timeouts with exponential back-off; a
    /// Retry-After the endpoint sends wins, and no wait is longer than MaxRetryDelay. Each retry is noted
    /// for the transcript.
    /// </summary>
    ResiliencePipeline<Attempt> RetryPipeline(List<RetryNote> retries)
    {
        var builder = new ResiliencePipelineBuilder<Attempt> { TimeProvider = clock };
        if (options.MaxRetries > 0)
            builder.AddRetry(new RetryStrategyOptions<Attempt>
            {
                ShouldHandle = new PredicateBuilder<Attempt>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(a => Transient.Contains(a.Status)),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(500),
                MaxDelay = options.MaxRetryDelay,
                UseJitter = false,
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter is { } after
                    ? (TimeSpan?)(after > options.MaxRetryDelay ? options.MaxRetryDelay : after)
                    : null),
                OnRetry = args =>
                {
                    var status = args.Outcome.Result is { } a ? (int?)a.Status : null;
                    var reason = args.Outcome.Result is { } r ? Describe(r) : Describe(args.Outcome.Exception!);
                    retries.Add(new RetryNote(status, reason, (long)args.RetryDelay.TotalMilliseconds));
                    return default;
                },
            });
        return builder.AddTimeout(options.RequestTimeout).Build();
    }

    string Describe(Exception ex) => ex switch
    {
        TimeoutRejectedException => $"no answer within {options.RequestTimeout.TotalSeconds:0.#} s",
        HttpRequestException http => $"the connection failed: {http.Message}",
        _ => ex.Message,
    };

    static string Describe(Attempt attempt) =>
        $"the endpoint answered {(int)attempt.Status}{(attempt.Body.Length > 0 ? ": " + Shorten(attempt.Body) : "")}";

    static ModelUnavailableException Unavailable(int attempts, string failure) =>
        new($"The model endpoint failed {attempts} time(s); last: {failure}.");

    static HttpRequestMessage Copy(HttpRequestMessage request, byte[] body)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (var header in request.Headers)
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        if (request.Content is not null)
        {
            copy.Content = new ByteArrayContent(body);
            foreach (var header in request.Content.Headers)
                copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        foreach (var option in request.Options)
            ((IDictionary<string, object?>)copy.Options)[option.Key] = option.Value;
        return copy;
    }

    static HttpResponseMessage Answer(HttpRequestMessage request, HttpStatusCode status, string body) =>
        new(status) { RequestMessage = request, Content = new StringContent(body, Encoding.UTF8, "application/json") };

    static HttpResponseMessage Answer(HttpRequestMessage request, Attempt attempt)
    {
        var response = Answer(request, attempt.Status, attempt.Body);
        foreach (var header in attempt.Headers)
            response.Headers.TryAddWithoutValidation(header.Key, header.Value);
        return response;
    }

    static TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
