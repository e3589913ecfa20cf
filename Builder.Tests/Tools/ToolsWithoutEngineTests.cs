using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Builder.Tests.Support;

namespace Builder.Tests.Tools;

/// <summary>No container engine: a tool runs in the worker's sandbox with the worker's interpreter; its image cannot be built, and saying so is the answer.</summary>
public sealed class ToolsWithoutEngineTests(ToolBox tools) : IClassFixture<ToolBox>
{
    [Fact]
    public async Task A_shell_tool_runs_in_the_workers_sandbox_and_building_its_image_is_refused_with_the_reason()
    {
        using var builder = EmbeddedBuilder.With(new Dictionary<string, string?>
        {
            ["Builder:Tools:Directory"] = tools.Directory,
            ["Builder:Sandbox:DockerEndpoint"] = "unix:///nonexistent/docker.sock",
        });
        var api = builder.Admin();

        var tool = JsonNode.Parse(await api.Http.GetStringAsync("/api/tools/word-count"))!;
        tool["health"]!.GetValue<string>().ShouldStartWith("runs in the worker's sandbox (no Docker engine");

        using var executed = await api.Http.PostAsJsonAsync("/api/tools/word-count/execute", new { input = new { text = "one two" } });
        var execution = JsonNode.Parse(await executed.Content.ReadAsStringAsync())!;
        executed.StatusCode.ShouldBe(HttpStatusCode.OK, execution.ToJsonString());
        execution["status"]!.GetValue<string>().ShouldBe("succeeded", execution.ToJsonString());
        execution["output"]!["words"]!.GetValue<int>().ShouldBe(2);
        execution["image"].ShouldBeNull();

        using var build = await api.Http.PostAsync("/api/tools/word-count/build", null);
        build.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await build.Content.ReadAsStringAsync()).ShouldContain("It runs in the worker's sandbox instead.");
    }
}
