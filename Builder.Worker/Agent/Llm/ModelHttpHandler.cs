using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Builder.Core.Llm;

namespace Builder.Worker.Agent.Llm;

/// <summary>
/// Sits under the SK connector (OpenAI or Anthropic) on the HTTP client it uses: the one place that
/// sees the exact request and response. It answers from the transcript (replay, resumed steps),
/// refuses a request that would pass the budget, retries 429/5xx (honouring Retry-After) and
/// timeouts with back-off, and leaves the exchange for the caller to record. The connectors' own
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
        for (var attempt = 0; ; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.RequestTimeout);
            string? failure;
            int? status = null;
            TimeSpan? retryAfter = null;
            try
            {
                using var response = await base.SendAsync(Copy(request, body), timeout.Token);
                var responseText = await response.Content.ReadAsStringAsync(timeout.Token);
                status = (int)response.StatusCode;
                if (!Transient.Contains(response.StatusCode))
                {
                    traffic.Last = new ModelExchange(url, bodyText, sha, status.Value, responseText, false, retries, stopwatch.ElapsedMilliseconds);
                    return Answer(request, response.StatusCode, responseText, response);
                }

                retryAfter = RetryAfter(response.Headers.RetryAfter);
                failure = $"the endpoint answered {status}{(responseText.Length > 0 ? ": " + Shorten(responseText) : "")}";
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure = $"no answer within {options.RequestTimeout.TotalSeconds:0.#} s";
            }
            catch (HttpRequestException ex)
            {
                failure = $"the connection failed: {ex.Message}";
            }

            if (attempt >= options.MaxRetries)
                throw new ModelUnavailableException($"The model endpoint failed {attempt + 1} time(s); last: {failure}.");

            var wait = retryAfter ?? TimeSpan.FromMilliseconds(500 * Math.Pow(2, attempt));
            if (wait > options.MaxRetryDelay)
                wait = options.MaxRetryDelay;
            retries.Add(new RetryNote(status, failure, (long)wait.TotalMilliseconds));
            await Task.Delay(wait, clock, cancellationToken);
        }
    }

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

    static HttpResponseMessage Answer(HttpRequestMessage request, HttpStatusCode status, string body, HttpResponseMessage? original = null)
    {
        var response = new HttpResponseMessage(status) { RequestMessage = request, Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (original is not null)
            foreach (var header in original.Headers)
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
