using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Builder.Tests.Agents;
using Builder.Tests.Support;

namespace Builder.Tests.Mcp;

/// <summary>
/// The MCP server at /mcp, called by the official MCP TypeScript SDK client over Streamable HTTP,
/// against the Api running as a process of its own.
/// </summary>
public sealed class McpServerTests(RunningApi api) : IClassFixture<RunningApi>
{
    static readonly string[] IssueTools =
    [
        "submit_feature", "get_feature", "list_features", "get_feature_events", "approve", "reject", "revise", "cancel",
        "create_task", "upload_draft", "dry_run", "apply_task", "get_system_status", "query_telemetry_insights", "rollback",
    ];

    static readonly string[] Terminal = ["Completed", "Failed", "Cancelled", "Rejected", "RolledBack"];

    [Fact]
    public async Task The_tools_are_listed_with_descriptions_and_input_schemas()
    {
        await using var mcp = await ConnectAsync();
        mcp.Hello["server"]!["name"]!.GetValue<string>().ShouldBe("builder");
        mcp.Hello["instructions"]!.GetValue<string>().ShouldContain("list_repositories");

        var tools = (await mcp.ListToolsAsync())["tools"]!.AsArray().Select(t => t!).ToDictionary(t => t["name"]!.GetValue<string>());
        foreach (var name in IssueTools.Append("list_repositories"))
        {
            tools.ShouldContainKey(name);
            var tool = tools[name];
            tool["description"]!.GetValue<string>().Length.ShouldBeGreaterThan(120, $"{name} must say what it does, returns and needs");
            tool["description"]!.GetValue<string>().ShouldContain("Needs scope");
            var schema = tool["inputSchema"]!;
            schema["type"]!.GetValue<string>().ShouldBe("object");
            foreach (var (parameter, property) in schema["properties"]?.AsObject() ?? [])
                property!["description"]?.GetValue<string>().ShouldNotBeNullOrWhiteSpace($"{name}.{parameter} needs a description");
        }

        var submit = tools["submit_feature"]["inputSchema"]!;
        submit["required"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["repository_id", "title", "description"], ignoreOrder: true);
        submit["properties"]!["repository_id"]!["format"]!.GetValue<string>().ShouldBe("uuid");
        Enum(submit["properties"]!["approval_mode"]!).ShouldBe(["auto", "checkpoints", "final"]);
        var file = submit["properties"]!["draft_files"]!["items"]!;
        Enum(file["properties"]!["mode"]!).ShouldBe(["add", "replace", "delete"]);
        file["required"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["path", "mode"], ignoreOrder: true);
        Enum(tools["list_features"]["inputSchema"]!["properties"]!["status"]!)
            .ShouldBe(["Requested", "Running", "AwaitingApproval", "Completed", "Failed", "Cancelled", "Rejected", "RolledBack"]);
        tools["query_telemetry_insights"]["inputSchema"]!["properties"]!.AsObject().Select(p => p.Key).ShouldBe(["time_range_hours"]);
        tools["get_feature"]["annotations"]!["readOnlyHint"]!.GetValue<bool>().ShouldBeTrue();
        tools["cancel"]["annotations"]!["destructiveHint"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task Without_a_valid_key_the_endpoint_is_refused()
    {
        await using var anonymous = await McpTestClient.ConnectAsync(api.McpUrl, key: null);
        anonymous.Connected.ShouldBeFalse();
        anonymous.Hello["code"]!.GetValue<int>().ShouldBe(401);
        anonymous.Hello["error"]!.GetValue<string>().ShouldContain("An API key is required");

        await using var forged = await McpTestClient.ConnectAsync(api.McpUrl, "bld_nothing_0123456789abcdef");
        forged.Connected.ShouldBeFalse();
        forged.Hello["code"]!.GetValue<int>().ShouldBe(401);

        using var http = new HttpClient { BaseAddress = api.Url };
        var raw = await http.PostAsJsonAsync("/mcp", new { jsonrpc = "2.0", id = 1, method = "tools/list" });
        raw.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        raw.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
    }

    [Fact]
    public async Task A_feature_submitted_over_MCP_runs_to_Completed_and_shows_in_status_and_insights()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await api.Admin().RegisterRepositoryAsync(repository.RemotePath);
        await using var mcp = await ConnectAsync();

        var repositories = (await mcp.OkAsync("list_repositories")).AsArray();
        repositories.Select(r => r!["id"]!.GetValue<Guid>()).ShouldContain(repositoryId);
        var accepted = await mcp.OkAsync("submit_feature", new
        {
            repository_id = repositoryId, title = "Value over MCP", description = "Set the value to 42.", tests_required = false,
            draft_files = new[] { new { path = "value.txt", mode = "replace", content = "42\n" } },
        });
        accepted["status"]!.GetValue<string>().ShouldBe("Requested");
        var id = accepted["id"]!.GetValue<Guid>();

        var feature = await PollAsync(mcp, id, f => Terminal.Contains(f["status"]!.GetValue<string>()));
        feature["status"]!.GetValue<string>().ShouldBe("Completed", feature.ToJsonString());
        repository.Show(feature["branch"]!.GetValue<string>(), "value.txt").ShouldBe("42\n");
        feature["phases"]!.AsArray().Select(p => p!["status"]!.GetValue<string>()).ShouldAllBe(s => s == "done" || s == "skipped");

        var events = (await mcp.OkAsync("get_feature_events", new { feature_id = id })).AsArray();
        events.First()!["type"]!.GetValue<string>().ShouldBe("feature.requested");
        events.Last()!["type"]!.GetValue<string>().ShouldBe("feature.completed");
        var after = events[2]!["sequence"]!.GetValue<long>();
        var later = (await mcp.OkAsync("get_feature_events", new { feature_id = id, after, limit = 2 })).AsArray();
        later.Select(e => e!["sequence"]!.GetValue<long>()).ShouldBe([after + 1, after + 2]);

        var completed = await mcp.OkAsync("list_features", new { status = "Completed", repository_id = repositoryId });
        completed["items"]!.AsArray().Select(f => f!["id"]!.GetValue<Guid>()).ShouldBe([id]);

        var status = await mcp.OkAsync("get_system_status");
        status["components"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ShouldContain("database");
        status["runs"]!["completed"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(1);
        status["workers"]!.AsArray().Select(w => w!["application"]!.GetValue<string>()).ShouldContain("Builder.Api", "the embedded worker recorded the run's events");

        var insights = await mcp.OkAsync("query_telemetry_insights", new { time_range_hours = 1 });
        insights["outcomes"]!["completed"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(1);
        insights["successRate"].ShouldNotBeNull();
        var build = insights["phaseDurations"]!.AsArray().Single(p => p!["phase"]!.GetValue<string>() == "build")!;
        build["count"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(1);
        build["p95Ms"]!.GetValue<long>().ShouldBeGreaterThanOrEqualTo(build["p50Ms"]!.GetValue<long>());
        insights["llm"]!["calls"]!.GetValue<int>().ShouldBe(0, "no model is configured");
    }

    [Fact]
    public async Task A_task_with_checkpoints_is_dry_run_applied_and_approved_at_the_plan_and_release_gates()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await api.Admin().RegisterRepositoryAsync(repository.RemotePath);
        await using var mcp = await ConnectAsync();

        var task = await mcp.OkAsync("create_task", new { repository_id = repositoryId, title = "Gated value", scope = new[] { "value.txt" }, plan = "Set it to 42." });
        var taskId = task["id"]!.GetValue<Guid>();
        var refused = await mcp.CallAsync("upload_draft", new { task_id = taskId, files = new[] { new { path = "README.md", mode = "replace", content = "# no\n" } } });
        McpTestClient.IsError(refused).ShouldBeTrue();
        McpTestClient.Text(refused).ShouldContain("outside the task's scope");
        await mcp.OkAsync("upload_draft", new { task_id = taskId, files = new[] { new { path = "value.txt", mode = "replace", content = "42\n" } } });

        var dryRun = await mcp.OkAsync("dry_run", new { task_id = taskId });
        dryRun["wouldApply"]!.GetValue<bool>().ShouldBeTrue(dryRun.ToJsonString());
        dryRun["diff"]!.GetValue<string>().ShouldContain("+42");
        repository.Branches().ShouldBe(["main"], "a dry run changes nothing");

        var id = (await mcp.OkAsync("apply_task", new { task_id = taskId, approval_mode = "checkpoints", tests_required = false }))["id"]!.GetValue<Guid>();
        var atPlan = await PollAsync(mcp, id, f => f["status"]!.GetValue<string>() == "AwaitingApproval" || Terminal.Contains(f["status"]!.GetValue<string>()));
        atPlan["gate"]?.GetValue<string>().ShouldBe("plan", atPlan.ToJsonString());
        (await mcp.OkAsync("approve", new { feature_id = id }))["action"]!.GetValue<string>().ShouldBe("approved");

        var atRelease = await PollAsync(mcp, id, f => (string?)f["gate"] == "release" || Terminal.Contains(f["status"]!.GetValue<string>()));
        atRelease["gate"]?.GetValue<string>().ShouldBe("release", atRelease.ToJsonString());
        repository.Branches().ShouldBe(["main"], "nothing is delivered before the release gate opens");
        await mcp.OkAsync("approve", new { feature_id = id });

        var feature = await PollAsync(mcp, id, f => Terminal.Contains(f["status"]!.GetValue<string>()));
        feature["status"]!.GetValue<string>().ShouldBe("Completed", feature.ToJsonString());
        repository.Show(feature["branch"]!.GetValue<string>(), "value.txt").ShouldBe("42\n");
    }

    [Fact]
    public async Task Bad_input_is_a_tool_error_with_the_HTTP_APIs_message()
    {
        await using var mcp = await ConnectAsync();
        var admin = api.Admin();
        var unknownRepository = Guid.NewGuid();

        // The same request over MCP and over HTTP: the tool error's text is the problem's detail.
        var tool = await mcp.CallAsync("submit_feature", new { repository_id = unknownRepository, title = " ", description = "" });
        var http = await AgentSteps.OkAsync(await admin.Http.PostAsJsonAsync("/api/features", new { repositoryId = unknownRepository, title = " ", description = "" }),
            HttpStatusCode.BadRequest);
        McpTestClient.IsError(tool).ShouldBeTrue();
        McpTestClient.Text(tool).ShouldBe(http["detail"]!.GetValue<string>().Replace("draft.files", "draft_files"), "a tool error names the tool's arguments");
        McpTestClient.Text(tool).ShouldContain($"No repository {unknownRepository} is registered in this tenant.");
        tool["structuredContent"]!["status"]!.GetValue<int>().ShouldBe(400);
        tool["structuredContent"]!["errors"]!["title"].ShouldNotBeNull();

        var missing = Guid.NewGuid();
        var notFound = await mcp.CallAsync("approve", new { feature_id = missing });
        McpTestClient.IsError(notFound).ShouldBeTrue();
        McpTestClient.Text(notFound).ShouldBe(
            (await AgentSteps.OkAsync(await admin.ActAsync(missing, "approve"), HttpStatusCode.NotFound))["detail"]!.GetValue<string>());

        // Arguments that do not fit the schema name the argument and the reason.
        var notAnId = await mcp.CallAsync("get_feature", new { feature_id = "feature-1" });
        McpTestClient.IsError(notAnId).ShouldBeTrue();
        McpTestClient.Text(notAnId).ShouldContain("feature_id must be a UUID");
        var misspelt = await mcp.CallAsync("get_feature", new { featureId = missing });
        McpTestClient.Text(misspelt).ShouldContain("feature_id is required.");
        McpTestClient.Text(misspelt).ShouldContain("featureId is not an argument here");
        var badMode = await mcp.CallAsync("list_features", new { status = "Done", page_size = "ten" });
        McpTestClient.Text(badMode).ShouldContain("status must be one of Requested, Running, AwaitingApproval");
        McpTestClient.Text(badMode).ShouldContain("page_size must be an integer, not a string.");
    }

    [Fact]
    public async Task Each_tool_needs_the_scope_its_endpoint_needs()
    {
        var body = await AgentSteps.OkAsync(await api.Admin().Http.PostAsJsonAsync("/api/keys", new { name = "mcp-reader", scopes = new[] { "features:read" } }),
            HttpStatusCode.Created);
        await using var reader = await McpTestClient.ConnectAsync(api.McpUrl, body["key"]!.GetValue<string>());

        (await reader.OkAsync("list_features"))["items"].ShouldNotBeNull();
        foreach (var (name, arguments, scope) in new (string, object, string)[]
                 {
                     ("approve", new { feature_id = Guid.NewGuid() }, "approvals:write"),
                     ("cancel", new { feature_id = Guid.NewGuid() }, "features:write"),
                     ("create_task", new { repository_id = Guid.NewGuid(), title = "t", scope = new[] { "src/**" } }, "drafts:write"),
                 })
        {
            var refused = await reader.CallAsync(name, arguments);
            McpTestClient.IsError(refused).ShouldBeTrue(name);
            McpTestClient.Text(refused).ShouldBe($"The API key lacks the scope this operation needs. It needs '{scope}'.");
            refused["structuredContent"]!["status"]!.GetValue<int>().ShouldBe(403);
        }
    }

    Task<McpTestClient> ConnectAsync() => ConnectedAsync(RunningApi.AdminKey);

    async Task<McpTestClient> ConnectedAsync(string key)
    {
        var client = await McpTestClient.ConnectAsync(api.McpUrl, key);
        Assert.True(client.Connected, $"the MCP client did not connect: {client.Hello.ToJsonString()}\n{api.Process.RecentLog}");
        return client;
    }

    /// <summary>Calls get_feature until the run satisfies <paramref name="until"/>, as an agent polls.</summary>
    async Task<JsonNode> PollAsync(McpTestClient mcp, Guid id, Func<JsonNode, bool> until)
    {
        try
        {
            return await Eventually.Until(() => mcp.OkAsync("get_feature", new { feature_id = id }), until, $"feature {id} over MCP",
                TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(250));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\n{api.Process.RecentLog}", ex);
        }
    }

    static IEnumerable<string> Enum(JsonNode property) =>
        property["enum"]!.AsArray().Where(v => v is not null).Select(v => v!.GetValue<string>());
}
