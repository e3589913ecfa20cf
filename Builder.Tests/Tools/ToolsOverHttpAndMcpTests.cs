using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Builder.Tests.Mcp;
using Builder.Tests.Support;

namespace Builder.Tests.Tools;

/// <summary>The Api (as a process of its own) with a tools folder: tools built, described and executed over HTTP and over MCP with the official client.</summary>
public sealed class ToolsOverHttpAndMcpTests(ToolBox tools) : IClassFixture<ToolBox>, IAsyncLifetime
{
    const string AdminKey = "bld-tools-admin-key-0123456789";
    BuilderProcess _api = default!;
    string _data = default!;
    HttpClient _http = default!;

    public async Task InitializeAsync()
    {
        _data = SharedTemporaryFolder.Create("builder-tools-api-");
        var environment = tools.Settings.ToDictionary(s => s.Key.Replace(":", "__"), s => s.Value!);
        environment["Builder__DataDirectory"] = _data;
        environment["Builder__Bootstrap__AdminKey"] = AdminKey;
        _api = BuilderProcess.Start("Builder.Api", "tools-api", environment);
        await _api.WaitHealthyAsync();
        _http = new HttpClient { BaseAddress = _api.Url, Timeout = TimeSpan.FromMinutes(3) };
        _http.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
    }

    async Task<(HttpStatusCode Status, JsonNode Body)> ExecuteAsync(string tool, object? input)
    {
        using var response = await _http.PostAsJsonAsync($"/api/tools/{tool}/execute", new { input });
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    [Fact]
    public async Task A_tool_is_described_built_and_executed_over_HTTP_with_its_log_readable()
    {
        var catalog = JsonNode.Parse(await _http.GetStringAsync("/api/tools"))!;
        var listed = catalog["tools"]!.AsArray().ToDictionary(t => t!["name"]!.GetValue<string>());
        listed.Keys.ShouldBe(["sleepy", "word-count"], ignoreOrder: true);
        listed["word-count"]!["inputSchema"]!["properties"]!["text"]!["type"]!.GetValue<string>().ShouldBe("string");
        catalog["broken"]![0]!["name"]!.GetValue<string>().ShouldBe("broken");
        catalog["broken"]![0]!["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ShouldContain("line 2: runtime 'cobol' is not one of node, python, shell");

        using (var built = await _http.PostAsync("/api/tools/word-count/build", null))
        {
            built.StatusCode.ShouldBe(HttpStatusCode.OK, await built.Content.ReadAsStringAsync());
            (await built.Content.ReadFromJsonAsync<JsonNode>())!["image"]!.GetValue<string>().ShouldStartWith("builder-env:");
        }

        var tool = JsonNode.Parse(await _http.GetStringAsync("/api/tools/word-count"))!;
        tool["imageBuilt"]!.GetValue<bool>().ShouldBeTrue();
        tool["health"]!.GetValue<string>().ShouldBe("image built");

        var (status, execution) = await ExecuteAsync("word-count", new { text = "one two three" });
        status.ShouldBe(HttpStatusCode.OK, execution.ToJsonString());
        execution["status"]!.GetValue<string>().ShouldBe("succeeded");
        execution["output"]!["words"]!.GetValue<int>().ShouldBe(3);
        (await _http.GetStringAsync(execution["logsUrl"]!.GetValue<string>())).ShouldContain("counting words for word-count");
        JsonNode.Parse(await _http.GetStringAsync($"/api/tools/executions/{execution["id"]}"))!["requestedBy"]!.GetValue<string>().ShouldBe("key:admin");
    }

    [Fact]
    public async Task Bad_input_unknown_or_broken_tools_are_refused_and_a_tool_past_its_timeout_is_killed_and_reported()
    {
        var (invalid, problem) = await ExecuteAsync("word-count", new { words = 3 });
        invalid.ShouldBe(HttpStatusCode.BadRequest);
        problem["errors"]!["input"]!.ToJsonString().ShouldContain("text");

        (await ExecuteAsync("word-count", null)).Status.ShouldBe(HttpStatusCode.BadRequest);
        (await ExecuteAsync("no-such-tool", new { })).Status.ShouldBe(HttpStatusCode.NotFound);
        var (broken, brokenProblem) = await ExecuteAsync("broken", new { });
        broken.ShouldBe(HttpStatusCode.Conflict);
        brokenProblem["detail"]!.GetValue<string>().ShouldContain("runtime 'cobol'");

        var (status, execution) = await ExecuteAsync("sleepy", new { });
        status.ShouldBe(HttpStatusCode.OK, execution.ToJsonString());
        execution["status"]!.GetValue<string>().ShouldBe("timed-out");
        execution["durationMs"]!.GetValue<long>().ShouldBeLessThan(30_000);
        var log = await _http.GetStringAsync(execution["logsUrl"]!.GetValue<string>());
        log.ShouldContain("going to sleep");
        log.ShouldContain("timed out");
    }

    [Fact]
    public async Task Tools_are_MCP_tools_for_the_official_client()
    {
        await using var mcp = await McpTestClient.ConnectAsync(new Uri(_api.Url, "/mcp"), AdminKey);
        var listed = (await mcp.ListToolsAsync())["tools"]!.AsArray().ToDictionary(t => t!["name"]!.GetValue<string>());
        listed.ShouldContainKey("submit_feature");
        var wordCount = listed["word-count"]!;
        wordCount["description"]!.GetValue<string>().ShouldStartWith("Counts the words of a text.");
        wordCount["inputSchema"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["text"]);

        var result = await mcp.OkAsync("word-count", new { text = "to be or not to be" });
        result["status"]!.GetValue<string>().ShouldBe("succeeded", result.ToJsonString());
        result["output"]!["words"]!.GetValue<int>().ShouldBe(6);
        result["requestedBy"]!.GetValue<string>().ShouldBe("key:admin");

        var refused = await mcp.CallAsync("word-count", new { text = 42 });
        McpTestClient.IsError(refused).ShouldBeTrue(refused.ToJsonString());
        McpTestClient.Text(refused).ShouldContain("/text: Value is \"integer\" but should be \"string\"");
        var slept = await mcp.CallAsync("sleepy", new { });
        McpTestClient.IsError(slept).ShouldBeTrue("a tool that timed out is the tool's error");
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_api is not null)
            await _api.DisposeAsync();
    }
}
