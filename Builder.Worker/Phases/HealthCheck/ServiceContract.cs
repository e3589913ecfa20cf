using System.Net.Http.Json;
using System.Text.Json;
using Builder.Worker.Deployment;

namespace Builder.Worker.Phases.HealthCheck;

/// <summary>
/// The service endpoints a manifest declares under health.contract, checked against the new version
/// before it takes traffic: GET /health, /capabilities, /state and /dependencies answer 200 with a JSON
/// object (/health with a status), and POST /message answers a status command with 2xx and refuses an
/// empty envelope with 4xx.
/// </summary>
public sealed class ServiceContract : IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = Patience };

    /// <summary>What each declared endpoint did wrong; empty when all of them keep the contract.</summary>
    public async Task<IReadOnlyList<string>> CheckAsync(Uri version, IReadOnlyList<string> endpoints, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var endpoint in endpoints)
        {
            try
            {
                if (await CheckAsync(version, endpoint, cancellationToken) is { } problem)
                    problems.Add(problem);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                problems.Add($"/{endpoint} did not answer: {ex.Message}");
            }
        }

        return problems;
    }

    async Task<string?> CheckAsync(Uri version, string endpoint, CancellationToken cancellationToken)
    {
        if (endpoint == "message")
        {
            var command = new { traceId = Guid.NewGuid().ToString("N"), messageType = "command", payload = new { action = "status" } };
            using var answered = await _client.PostAsJsonAsync(new Uri(version, "message"), command, cancellationToken);
            if (!answered.IsSuccessStatusCode)
                return $"POST /message answered {(int)answered.StatusCode} to a status command instead of 2xx";
            using var refused = await _client.PostAsync(new Uri(version, "message"), JsonContent.Create(new { }), cancellationToken);
            return (int)refused.StatusCode is >= 400 and < 500 ? null : $"POST /message answered {(int)refused.StatusCode} to an empty envelope instead of 4xx";
        }

        using var response = await _client.GetAsync(new Uri(version, endpoint), cancellationToken);
        if ((int)response.StatusCode != 200)
            return $"GET /{endpoint} answered {(int)response.StatusCode} instead of 200";
        JsonElement body;
        try
        {
            body = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (JsonException)
        {
            return $"GET /{endpoint} did not answer JSON";
        }

        if (body.ValueKind != JsonValueKind.Object)
            return $"GET /{endpoint} answered {body.ValueKind} instead of a JSON object";
        return endpoint == "health" && !body.TryGetProperty("status", out _) ? "GET /health has no status field" : null;
    }

    public void Dispose() => _client.Dispose();
}
