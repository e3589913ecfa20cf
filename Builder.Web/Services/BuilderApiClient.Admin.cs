using System.Net;
using System.Text.Json;

namespace Builder.Web.Services;

public sealed partial class BuilderApiClient
{
    public Task<List<RepositoryInfo>> GetRepositoriesAsync(CancellationToken ct = default) => GetAsync<List<RepositoryInfo>>("api/repositories", ct);

    public Task<RepositoryInfo> GetRepositoryAsync(Guid id, CancellationToken ct = default) => GetAsync<RepositoryInfo>($"api/repositories/{id}", ct);

    public Task<RepositoryRuns> GetRepositoryRunsAsync(Guid id, int limit = 20, CancellationToken ct = default) =>
        GetAsync<RepositoryRuns>($"api/repositories/{id}/runs?limit={limit}", ct);

    /// <summary>Registers, then sets the allowed paths, which registration does not take.</summary>
    public async Task<RepositoryInfo> RegisterRepositoryAsync(RegisterRepository r, CancellationToken ct = default)
    {
        var created = await SendAsync<RepositoryInfo>(HttpMethod.Post, "api/repositories", new
        {
            name = r.Name,
            url = r.Url,
            defaultBranch = string.IsNullOrWhiteSpace(r.DefaultBranch) ? null : r.DefaultBranch.Trim(),
            credentials = string.IsNullOrWhiteSpace(r.Token) ? null : new { token = r.Token.Trim() },
            settings = new { buildCommand = r.BuildCommand, testCommand = r.TestCommand },
        }, ct);
        return r.AllowedPaths.Count == 0
            ? created
            : await UpdateRepositoryAsync(created.Id, new RepositoryChanges(null, null, null, r.AllowedPaths, null), ct);
    }

    public Task<RepositoryInfo> UpdateRepositoryAsync(Guid id, RepositoryChanges changes, CancellationToken ct = default) =>
        SendAsync<RepositoryInfo>(HttpMethod.Patch, $"api/repositories/{id}", new
        {
            defaultBranch = changes.DefaultBranch,
            settings = new { buildCommand = changes.BuildCommand, testCommand = changes.TestCommand, allowedPaths = changes.AllowedPaths, maxFileBytes = changes.MaxFileBytes },
        }, ct);

    public Task ReplaceTokenAsync(Guid id, string token, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Put, $"api/repositories/{id}/credentials", new { token }, ct);

    public Task<List<ServiceInfo>> GetServicesAsync(CancellationToken ct = default) => GetAsync<List<ServiceInfo>>("api/services", ct);

    public Task<ToolCatalogInfo> GetToolsAsync(CancellationToken ct = default) => GetAsync<ToolCatalogInfo>("api/tools", ct);

    public Task<List<ToolExecutionInfo>> GetToolExecutionsAsync(int limit = 20, CancellationToken ct = default) =>
        GetAsync<List<ToolExecutionInfo>>($"api/tools/executions?limit={limit}", ct);

    public Task<string?> GetToolExecutionLogsAsync(Guid id, CancellationToken ct = default) => GetTextOrNullAsync($"api/tools/executions/{id}/logs", ct);

    public Task<EnvironmentsInfo> GetEnvironmentsAsync(CancellationToken ct = default) => GetAsync<EnvironmentsInfo>("api/environments", ct);

    /// <summary>The image's build log; null when none of the tenant's runs built it.</summary>
    public Task<string?> GetEnvironmentLogAsync(string tag, CancellationToken ct = default) =>
        GetTextOrNullAsync($"api/environments/{Uri.EscapeDataString(tag)}/log", ct);

    public Task<List<ServiceVersionInfo>> GetServiceVersionsAsync(string name, CancellationToken ct = default) =>
        GetAsync<List<ServiceVersionInfo>>($"api/services/{Uri.EscapeDataString(name)}/versions", ct);

    public Task<RollbackAnswer> RollbackServiceAsync(string name, string? reason, CancellationToken ct = default) =>
        SendAsync<RollbackAnswer>(HttpMethod.Post, $"api/services/{Uri.EscapeDataString(name)}/rollback", new { reason }, ct);

    public Task<SystemStatus> GetSystemStatusAsync(CancellationToken ct = default) => GetAsync<SystemStatus>("api/status", ct);

    /// <summary>The API's own health answer (<c>/health</c>), with how long it took.</summary>
    public async Task<(bool Answered, string Status, TimeSpan Took)> GetApiHealthAsync(CancellationToken ct = default)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            using var response = await http.GetAsync("health", ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            var status = "Unknown";
            try
            {
                using var document = JsonDocument.Parse(body);
                status = Payloads.Text(document.RootElement, "status") ?? status;
            }
            catch (JsonException)
            {
            }
            return (true, response.IsSuccessStatusCode ? status : $"{status} ({(int)response.StatusCode})", started.Elapsed);
        }
        catch (Exception e) when (e is HttpRequestException or Polly.ExecutionRejectedException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return (false, "Unreachable", started.Elapsed);
        }
    }

    /// <summary>The tenant's keys; null when this API has no key management (it answers 404).</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>?> GetKeysAsync(CancellationToken ct = default) =>
        await ListOrNullAsync("api/keys", ApiKeyInfo.From, ct);

    public async Task<IReadOnlyList<AgentInfo>?> GetAgentsAsync(CancellationToken ct = default) =>
        await ListOrNullAsync("api/agents", AgentInfo.From, ct);

    public async Task<CreatedSecret> CreateKeyAsync(string name, IReadOnlyList<string> scopes, CancellationToken ct = default)
    {
        var answer = await SendAsync<JsonElement>(HttpMethod.Post, "api/keys", new { name, scopes }, ct);
        return new CreatedSecret("key", Payloads.Text(answer, "name") ?? name, SecretOf(answer));
    }

    public async Task<CreatedSecret> RegisterAgentAsync(string name, string version, CancellationToken ct = default)
    {
        var answer = await SendAsync<JsonElement>(HttpMethod.Post, "api/agents", new { name, version }, ct);
        return new CreatedSecret("agent", $"{name}@{version}", SecretOf(answer));
    }

    public Task RevokeKeyAsync(string id, CancellationToken ct = default) => SendAsync(HttpMethod.Delete, $"api/keys/{Uri.EscapeDataString(id)}", null, ct);

    static string SecretOf(JsonElement answer) =>
        Payloads.Text(answer, "key", "apiKey", "secret")
        ?? (Payloads.Property(answer, "key") is { ValueKind: JsonValueKind.Object } key ? Payloads.Text(key, "key", "secret", "value") : null)
        ?? throw new BuilderApiException("The Builder API created it but did not send its key.");

    async Task<IReadOnlyList<T>?> ListOrNullAsync<T>(string uri, Func<JsonElement, T> read, CancellationToken ct)
    {
        JsonElement answer;
        try
        {
            answer = await GetAsync<JsonElement>(uri, ct);
        }
        catch (BuilderApiException e) when (e.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
        var items = answer.ValueKind == JsonValueKind.Array ? answer : Payloads.Property(answer, "items") ?? default;
        return items.ValueKind == JsonValueKind.Array ? [.. items.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object).Select(read)] : [];
    }
}
