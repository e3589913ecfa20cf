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
public sealed class ServiceContract(ServiceClients clients)
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>What each declared endpoint did wrong; empty when all of them keep the contract.</summary>
    public async Task<IReadOnlyList<string>> CheckAsync(Uri version, IReadOnlyList<string> endpoints, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var endpoint in endpoints)
        {
            try
            {
                using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                patience.CancelAfter(Patience);
                if (await CheckAsync(clients.For(version), version, endpoint, patience.Token) is { } problem)
                    problems.Add(problem);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                problems.Add($"/{endpoint} did not answer: {ex.Message}");
            }
        }

        return problems;
    }

    static async Task<string?> CheckAsync(HttpClient client, Uri version, string endpoint, CancellationToken cancellationToken)
    {
        if (endpoint == "message")
        {
            var command = new { traceId = Guid.NewGuid().ToString("N"), messageType = "command", payload = new { action = "status" } };
            using var answered = await client.PostAsJsonAsync(new Uri(version, "message"), command, cancellationToken);
            if (!answered.IsSuccessStatusCode)
                return $"POST /message answered {(int)answered.StatusCode} to a status command instead of 2xx";
            using var refused = await client.PostAsync(new Uri(version, "message"), JsonContent.Create(new { }), cancellationToken);
            return (int)refused.StatusCode is >= 400 and < 500 ? null : $"POST /message answered {(int)refused.StatusCode} to an empty envelope instead of 4xx";
        }

        using var response = await client.GetAsync(new Uri(version, endpoint), cancellationToken);
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
}
