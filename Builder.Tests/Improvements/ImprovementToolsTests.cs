using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Builder.Tests.Mcp;
using Builder.Tests.Support;

namespace Builder.Tests.Improvements;

/// <summary>
/// trigger_improvement_cycle over MCP with the official TypeScript client, the flags that govern it,
/// and the bad input and scopes of the improvement and flag endpoints.
/// </summary>
public sealed class ImprovementToolsTests(RunningApi api) : IClassFixture<RunningApi>
{
    async Task<McpTestClient> ConnectAsync(string? key = null)
    {
        var mcp = await McpTestClient.ConnectAsync(api.McpUrl, key ?? RunningApi.AdminKey);
        mcp.Connected.ShouldBeTrue(mcp.Hello.ToJsonString());
        return mcp;
    }

    static async Task SetFlagAsync(BuilderApi admin, string flag, bool enabled)
    {
        var response = await admin.Http.PutAsJsonAsync($"/api/flags/{flag}", new { enabled });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task With_SelfBuilding_off_the_tool_is_refused_with_a_clear_tool_error_and_with_it_on_a_cycle_runs()
    {
        var admin = api.Admin();
        await using var mcp = await ConnectAsync();
        var tool = (await mcp.ListToolsAsync())["tools"]!.AsArray().Single(t => (string?)t!["name"] == "trigger_improvement_cycle")!;
        tool["inputSchema"]!["properties"]!.AsObject().Select(p => p.Key).ShouldBe(["analysis_window_hours", "max_improvements", "services"], ignoreOrder: true);

        await SetFlagAsync(admin, "SelfBuilding", false);
        try
        {
            var refused = await mcp.CallAsync("trigger_improvement_cycle", new { analysis_window_hours = 1, max_improvements = 1 });
            McpTestClient.IsError(refused).ShouldBeTrue(refused.ToJsonString());
            McpTestClient.Text(refused).ShouldContain("The SelfBuilding flag is off for this tenant");
            var flags = JsonNode.Parse(await admin.Http.GetStringAsync("/api/flags"))!.AsArray();
            var selfBuilding = flags.Single(f => (string?)f!["name"] == "SelfBuilding")!;
            selfBuilding["enabled"]!.GetValue<bool>().ShouldBeFalse();
            selfBuilding["source"]!.GetValue<string>().ShouldBe("tenant");
            flags.Single(f => (string?)f!["name"] == "AutonomousImprovements")!["enabled"]!.GetValue<bool>().ShouldBeFalse("autonomy starts off");
        }
        finally
        {
            await SetFlagAsync(admin, "SelfBuilding", true);
        }

        // Nothing deployed in this tenant: the cycle ends at once and says why it started nothing.
        var cycle = await mcp.OkAsync("trigger_improvement_cycle", new { analysis_window_hours = 2, max_improvements = 1 });
        cycle["state"]!.GetValue<string>().ShouldBe("Completed");
        cycle["trigger"]!.GetValue<string>().ShouldBe("mcp");
        cycle["notes"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldContain("No service of this tenant has a live version to analyse.");
        var stored = JsonNode.Parse(await admin.Http.GetStringAsync($"/api/improvements/cycles/{cycle["id"]}"))!;
        stored["analysisWindowHours"]!.GetValue<double>().ShouldBe(2);
        var audit = await admin.Http.GetStringAsync("/api/audit?pageSize=100");
        audit.ShouldContain("improvement.cycle_started");
        audit.ShouldContain("flag.set");
    }

    [Fact]
    public async Task Bad_arguments_and_a_missing_scope_are_refused_naming_what_is_wrong()
    {
        var admin = api.Admin();
        await using var mcp = await ConnectAsync();
        var invalid = await mcp.CallAsync("trigger_improvement_cycle", new { analysis_window_hours = 0, max_improvements = 50, services = new[] { "no-such-service" } });
        McpTestClient.IsError(invalid).ShouldBeTrue();
        var text = McpTestClient.Text(invalid);
        text.ShouldContain("analysis_window_hours must be more than 0");
        text.ShouldContain("max_improvements must be from 1 to 10");
        text.ShouldContain("No service named 'no-such-service'");

        var response = await admin.Http.PostAsJsonAsync("/api/improvements/cycles", new { analysisWindowHours = 1, maxImprovement = 2 });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("maxImprovement");

        (await admin.Http.PutAsJsonAsync("/api/flags/NoSuchFlag", new { enabled = true })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var missing = await admin.Http.PutAsJsonAsync("/api/flags/SelfBuilding", new { });
        missing.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await missing.Content.ReadAsStringAsync()).ShouldContain("enabled is required");

        // A key that may read and submit features but not start improvement cycles.
        var created = await admin.Http.PostAsJsonAsync("/api/keys", new { name = $"reader-{Guid.NewGuid():N}"[..20], scopes = new[] { "features:read", "features:write" } });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var key = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["key"]!.GetValue<string>();
        await using var limited = await ConnectAsync(key);
        var forbidden = await limited.CallAsync("trigger_improvement_cycle", new { });
        McpTestClient.IsError(forbidden).ShouldBeTrue();
        McpTestClient.Text(forbidden).ShouldContain("improvements:write");
        (await api.Client(key).Http.PostAsJsonAsync("/api/improvements/cycles", new { })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await api.Client(key).Http.PutAsJsonAsync("/api/flags/SelfBuilding", new { enabled = false })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
