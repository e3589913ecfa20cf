using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Builder.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Builder.Tests.Agent;

/// <summary>
/// Builder in the embedded topology with a model configured. The configured endpoint answers
/// nothing: each test points its repository at its own scripted model (settings.llm.endpoint),
/// which also exercises the per-repository override.
/// </summary>
public sealed class AgentBuilder : WebApplicationFactory<Builder.Api.ApiEntryPoint>
{
    public const string AdminKey = "bld-agent-admin-key-0123456789";
    public const int PlanPromptTokens = 6000;

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("builder-agent-").FullName;

    readonly IReadOnlyDictionary<string, string?>? _settings;

    // xunit class fixtures need exactly one public constructor; tests with settings use With().
    public AgentBuilder()
    {
    }

    AgentBuilder(IReadOnlyDictionary<string, string?> settings) => _settings = settings;

    /// <summary>The agent's Builder with extra configuration (keys like "Builder:Tools:Directory").</summary>
    public static AgentBuilder With(IReadOnlyDictionary<string, string?> settings) => new(settings);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Builder:DataDirectory", DataDirectory);
        builder.UseSetting("Builder:Bootstrap:AdminKey", AdminKey);
        builder.UseSetting("Builder:Worker:MaxConcurrentRuns", "4");
        builder.UseSetting("Builder:Worker:CommandTimeout", "00:04:00");
        builder.UseSetting("Builder:Llm:Provider", "openai");
        builder.UseSetting("Builder:Llm:Model", "scripted-model");
        builder.UseSetting("Builder:Llm:Endpoint", "http://127.0.0.1:9/v1");
        builder.UseSetting("Builder:Llm:AllowRepositoryEndpoints", "true");
        builder.UseSetting("Builder:Llm:RequestTimeout", "00:00:03");
        builder.UseSetting("Builder:Llm:MaxRetries", "3");
        builder.UseSetting("Builder:Llm:MaxRetryDelay", "00:00:02");
        builder.UseSetting("Builder:Llm:PlanPromptTokens", PlanPromptTokens.ToString());
        builder.UseSetting("Builder:Llm:Prices:scripted-model:InputPerMillion", "1");
        builder.UseSetting("Builder:Llm:Prices:scripted-model:OutputPerMillion", "2");
        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Warning");
        builder.UseSetting("Logging:LogLevel:MassTransit", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.SemanticKernel", "Warning");
        foreach (var (key, value) in _settings ?? new Dictionary<string, string?>())
            builder.UseSetting(key, value);
    }

    public BuilderApi Admin() => BuilderApi.WithKey(CreateClient(), AdminKey);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public static class AgentApi
{
    /// <summary>Registers a repository whose agent runs use the given scripted model.</summary>
    public static Task<Guid> RegisterAsync(this BuilderApi api, TestRepository repository, string endpoint, string provider = "openai",
        string? buildCommand = null, string? testCommand = null, long? maxTokens = null) =>
        api.RegisterRepositoryAsync(repository.RemotePath, settings: new
        {
            buildCommand, testCommand,
            llm = new { provider, endpoint, model = "scripted-model", maxTokensPerFeature = maxTokens },
        });

    /// <summary>Submits a request with no draft: Builder's agent writes the change.</summary>
    public static async Task<Guid> RequestAsync(this BuilderApi api, Guid repositoryId, string title, string description, string approvalMode = "auto")
    {
        var response = await api.Http.PostAsJsonAsync("/api/features", new { repositoryId, title, description, approvalMode });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"submitting '{title}' answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["id"]!.GetValue<Guid>();
    }

    public static async Task<IReadOnlyList<JsonNode>> EventsOfAsync(this BuilderApi api, Guid id, string type) =>
        (await api.EventsAsync(id)).Where(e => (string?)e!["type"] == type).Select(e => e!).ToList();

    public static async Task<JsonNode> ArtifactJsonAsync(this BuilderApi api, Guid id, string name) =>
        JsonNode.Parse(await api.Http.GetStringAsync($"/api/features/{id}/artifacts/{name}"))!;

    public static async Task<string> DescribeAsync(this BuilderApi api, Guid id) =>
        string.Join("\n", (await api.EventsAsync(id)).Select(e => $"{e!["sequence"]} {e["type"]} {e["payload"]!.ToJsonString()}"));
}
