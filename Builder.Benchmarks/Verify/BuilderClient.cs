using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Builder.Benchmarks.Verify;

/// <summary>The few calls of Builder's HTTP API the benchmark makes, as any client would.</summary>
public sealed class BuilderClient(HttpClient http)
{
    static readonly string[] Ended = ["Completed", "Failed", "Cancelled", "Rejected", "RolledBack"];

    public async Task<Guid> RegisterRepositoryAsync(string name, string url)
    {
        var response = await http.PostAsJsonAsync("/api/repositories", new { name, url });
        return Id(await ReadAsync(response, $"registering {url}"));
    }

    /// <param name="testsRequired">False for a change that is no feature of code (a configuration, a version file).</param>
    public async Task<Guid> SubmitAsync(Guid repositoryId, SampleFeature feature, bool testsRequired = true)
    {
        var files = feature.Files.Select(f => new { path = f.Key, mode = "replace", content = f.Value });
        var response = await http.PostAsJsonAsync("/api/features", new
        {
            repositoryId, title = feature.Title, description = $"{feature.Title}.", approvalMode = "auto", testsRequired, draft = new { files },
        });
        return Id(await ReadAsync(response, $"submitting '{feature.Title}'"));
    }

    /// <summary>Polls the feature until it ends; a short interval, as the wall time is read from here.</summary>
    public async Task<JsonNode> WaitForEndAsync(Guid id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var feature = await FeatureAsync(id);
            if (Ended.Contains((string?)feature["status"]))
                return feature;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Feature {id} did not end within {timeout}: {feature.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    /// <summary>The tenant of the key: Builder keeps package caches per tenant.</summary>
    public async Task<Guid> TenantIdAsync() => JsonNode.Parse(await GetAsync("/api/me"))!["tenantId"]!.GetValue<Guid>();

    public async Task<JsonNode> FeatureAsync(Guid id) => JsonNode.Parse(await GetAsync($"/api/features/{id}"))!;

    public async Task<JsonArray> EventsAsync(Guid id) => JsonNode.Parse(await GetAsync($"/api/features/{id}/events?after=0&limit=5000"))!.AsArray();

    public async Task<IReadOnlyList<string>> ArtifactNamesAsync(Guid id) =>
        JsonNode.Parse(await GetAsync($"/api/features/{id}/artifacts"))!.AsArray().Select(a => (string)a!["name"]!).ToList();

    public async Task<JsonNode> ServiceAsync(string name) => JsonNode.Parse(await GetAsync($"/api/services/{name}"))!;

    public Task<string> ArtifactAsync(Guid id, string name) => GetAsync($"/api/features/{id}/artifacts/{name}");

    /// <summary>A GET that waits out the per-key rate limit as a polite client does.</summary>
    async Task<string> GetAsync(string url)
    {
        while (true)
        {
            using var response = await http.GetAsync(url);
            if (response.StatusCode != HttpStatusCode.TooManyRequests)
                return await ReadAsync(response, $"GET {url}");
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }
    }

    static async Task<string> ReadAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? body : throw new InvalidOperationException($"{what} answered {(int)response.StatusCode}: {body}");
    }

    static Guid Id(string body) => JsonNode.Parse(body)!["id"]!.GetValue<Guid>();
}
