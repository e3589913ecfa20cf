using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Builder.Tests.Support;

/// <summary>A thin client of the Builder API for tests, over any HttpClient (in-process or real HTTP).</summary>
public sealed class BuilderApi(HttpClient http)
{
    public HttpClient Http { get; } = http;

    public static BuilderApi WithKey(HttpClient http, string key)
    {
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return new BuilderApi(http);
    }

    public async Task<Guid> RegisterRepositoryAsync(string url, string? name = null, object? settings = null)
    {
        var response = await Http.PostAsJsonAsync("/api/repositories", new { name = name ?? $"repo-{Guid.NewGuid():N}", url, settings });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"registering {url} answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["id"]!.GetValue<Guid>();
    }

    /// <summary>
    /// Submits a feature with a draft. Most pipeline tests exercise mechanics with drafts that add no
    /// test, so they say testsRequired: false; the test-integrity contract has its own tests.
    /// </summary>
    public async Task<Guid> SubmitAsync(Guid repositoryId, string title, IEnumerable<object> files, string approvalMode = "auto", string? idempotencyKey = null,
        bool testsRequired = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/features")
        {
            Content = JsonContent.Create(new { repositoryId, title, description = $"{title}.", approvalMode, draft = new { files }, testsRequired }),
        };
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"submitting '{title}' answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["id"]!.GetValue<Guid>();
    }

    public static object File(string path, string content, string mode = "add") => new { path, mode, content };

    public async Task<JsonNode> FeatureAsync(Guid id) => JsonNode.Parse(await GetStringAsync($"/api/features/{id}"))!;

    public async Task<JsonArray> EventsAsync(Guid id, long after = 0) =>
        JsonNode.Parse(await GetStringAsync($"/api/features/{id}/events?after={after}&limit=5000"))!.AsArray();

    /// <summary>A GET that, like a well-behaved client, waits out a 429 for as long as Retry-After says (tests poll many runs at once).</summary>
    async Task<string> GetStringAsync(string url)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await Http.GetAsync(url);
            if (response.StatusCode != System.Net.HttpStatusCode.TooManyRequests || attempt == 20)
                return await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync();
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }
    }

    public async Task<HttpResponseMessage> ActAsync(Guid id, string action, object? body = null) =>
        await Http.PostAsJsonAsync($"/api/features/{id}/{action}", body ?? new { });

    /// <summary>Polls the feature until <paramref name="until"/> holds, failing with its last state after the timeout.</summary>
    public async Task<JsonNode> WaitAsync(Guid id, Func<JsonNode, bool> until, TimeSpan? timeout = null, string? what = null)
    {
        return await Eventually.Until(() => FeatureAsync(id), until, $"feature {id} to reach {what ?? "the expected state"}",
            timeout ?? TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(100));
    }

    public Task<JsonNode> WaitForStatusAsync(Guid id, string status, TimeSpan? timeout = null) =>
        WaitAsync(id, f => (string?)f["status"] == status, timeout, status);

    public static readonly string[] TerminalStatuses = ["Completed", "Failed", "Cancelled", "Rejected", "RolledBack"];

    public Task<JsonNode> WaitForEndAsync(Guid id, TimeSpan? timeout = null) =>
        WaitAsync(id, f => TerminalStatuses.Contains((string?)f["status"]), timeout, "a terminal state");
}
