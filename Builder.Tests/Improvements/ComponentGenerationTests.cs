using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Builder.Tests.Agent.Scripted;
using Builder.Tests.Mcp;
using Builder.Tests.Support;

namespace Builder.Tests.Improvements;

/// <summary>
/// generate_component over MCP (the official TypeScript client) against the Api as a process whose
/// agent is the scripted model: a repository is created from the Node template, the agent adds the
/// asked-for endpoint, the run deploys the service, and it answers its five service endpoints.
/// </summary>
public sealed class ComponentGenerationTests : IAsyncLifetime
{
    const string AdminKey = "bld-components-admin-key-0123456789";

    readonly string _data = Directory.CreateTempSubdirectory("builder-components-").FullName;
    ScriptedModel? _model;
    BuilderProcess? _api;

    ScriptedModel Model => _model!;
    BuilderProcess Api => _api!;

    public async Task InitializeAsync()
    {
        _model = await ScriptedModel.StartAsync();
        _api = BuilderProcess.Start("Builder.Api", "api", new Dictionary<string, string>
        {
            ["Builder__DataDirectory"] = _data,
            ["Builder__Bootstrap__AdminKey"] = AdminKey,
            ["Builder__Worker__CommandTimeout"] = "00:02:00",
            ["Builder__Llm__Provider"] = "openai",
            ["Builder__Llm__Model"] = "scripted-model",
            ["Builder__Llm__Endpoint"] = _model.OpenAiEndpoint,
            ["Builder__Llm__ApiKey"] = "scripted",
            ["Builder__Deploy__ReadinessRetryDelay"] = "00:00:00.300",
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Warning",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        });
        await _api.WaitHealthyAsync();
    }

    public async Task DisposeAsync()
    {
        if (_api is not null)
            await _api.DisposeAsync();
        if (_model is not null)
            await _model.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task A_component_is_generated_over_mcp_deployed_and_answers_its_five_service_endpoints()
    {
        GreeterComponent.Script(Model);
        var admin = BuilderApi.WithKey(new HttpClient { BaseAddress = Api.Url, Timeout = TimeSpan.FromSeconds(60) }, AdminKey);
        await using var mcp = await McpTestClient.ConnectAsync(new Uri(Api.Url, "/mcp"), AdminKey);
        mcp.Connected.ShouldBeTrue(mcp.Hello.ToJsonString());

        // Switched off, the tool says which flag refuses it.
        (await admin.Http.PutAsJsonAsync("/api/flags/ComponentGeneration", new { enabled = false })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var refused = await mcp.CallAsync("generate_component", new { name = "greeter", description = "Greets" });
        McpTestClient.IsError(refused).ShouldBeTrue();
        McpTestClient.Text(refused).ShouldContain("The ComponentGeneration flag is off for this tenant");
        (await admin.Http.PutAsJsonAsync("/api/flags/ComponentGeneration", new { enabled = true })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.Http.PutAsJsonAsync("/api/flags/AutonomousImprovements", new { enabled = true })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var invalid = await mcp.CallAsync("generate_component", new { name = "Greeter!", description = "Greets", runtime = "cobol" });
        McpTestClient.IsError(invalid).ShouldBeTrue();
        McpTestClient.Text(invalid).ShouldContain("name 'Greeter!' must be lowercase letters");
        McpTestClient.Text(invalid).ShouldContain("runtime 'cobol' has no template; choose one of node, python.");
        var unhosted = await mcp.CallAsync("generate_component", new { name = "greeter", description = "Greets", hosting = new { host = "git.nowhere.test", token = "t0ken" } });
        McpTestClient.IsError(unhosted).ShouldBeTrue();
        McpTestClient.Text(unhosted).ShouldContain("hosting.host 'git.nowhere.test' is not a git host Builder knows");

        var name = $"greeter-{Guid.NewGuid():N}"[..16];
        var created = await mcp.OkAsync("generate_component", new
        {
            name, description = "Greets whoever asks", capabilities = new[] { "GET /greeting answers {\"message\": \"hello\"}" }, runtime = "node",
        });
        created["runtime"]!.GetValue<string>().ShouldBe("node");
        var featureId = created["featureId"]!.GetValue<Guid>();
        Directory.Exists(created["repositoryUrl"]!.GetValue<string>()).ShouldBeTrue("a local bare repository");

        var run = await admin.WaitForEndAsync(featureId, TimeSpan.FromMinutes(4));
        run["status"]!.GetValue<string>().ShouldBe("Completed", Api.RecentLog);
        Model.Problems.ShouldBeEmpty();

        var service = JsonNode.Parse(await admin.Http.GetStringAsync($"/api/services/{name}"))!;
        var stable = new Uri(service["stableUrl"]!.GetValue<string>());
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var endpoint in new[] { "health", "capabilities", "state", "dependencies" })
        {
            using var answer = await client.GetAsync(new Uri(stable, endpoint));
            answer.StatusCode.ShouldBe(HttpStatusCode.OK, endpoint);
            JsonNode.Parse(await answer.Content.ReadAsStringAsync()).ShouldBeOfType<JsonObject>(endpoint);
        }

        using var status = await client.PostAsJsonAsync(new Uri(stable, "message"), new { traceId = "t-1", messageType = "command", payload = new { action = "status" } });
        status.StatusCode.ShouldBe(HttpStatusCode.OK);
        JsonNode.Parse(await status.Content.ReadAsStringAsync())!["status"]!.GetValue<string>().ShouldBe("healthy");
        var capabilities = JsonNode.Parse(await client.GetStringAsync(new Uri(stable, "capabilities")))!;
        capabilities["name"]!.GetValue<string>().ShouldBe(name);
        JsonNode.Parse(await client.GetStringAsync(new Uri(stable, "greeting")))!["message"]!.GetValue<string>().ShouldBe("hello");

        // The same name again is refused: the service and its repository exist.
        var again = await mcp.CallAsync("generate_component", new { name, description = "Greets again" });
        McpTestClient.IsError(again).ShouldBeTrue();
        McpTestClient.Text(again).ShouldContain($"A service named '{name}' is already deployed");
    }
}
