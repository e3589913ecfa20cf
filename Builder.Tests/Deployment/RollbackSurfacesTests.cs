using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Builder.Tests.Cli;
using Builder.Tests.Mcp;

namespace Builder.Tests.Deployment;

/// <summary>
/// A live version rolled back from every surface a person or an agent has: the run's own endpoint, the MCP
/// tool (official client) and the CLI (its own process), against the Api running as a process.
/// </summary>
public sealed class RollbackSurfacesTests(RunningApi api) : IClassFixture<RunningApi>
{
    readonly BuilderApi _api = api.Admin();

    async Task<Guid> DeployAsync(Guid repositoryId, string version)
    {
        var id = await _api.SubmitAsync(repositoryId, $"Version {version}", [BuilderApi.File("version.txt", version + "\n", "replace")]);
        (await _api.WaitForEndAsync(id, TimeSpan.FromMinutes(3)))["status"]!.GetValue<string>().ShouldBe("Completed");
        return id;
    }

    async Task<List<(int Number, string State)>> VersionsAsync(string name) =>
        JsonNode.Parse(await _api.Http.GetStringAsync($"/api/services/{name}/versions"))!.AsArray()
            .Select(v => (v!["number"]!.GetValue<int>(), v["state"]!.GetValue<string>())).ToList();

    Task RolledBackAsync(string name, int version) =>
        Eventually.Until(() => VersionsAsync(name), v => v.Single(x => x.Number == version).State == "rolled-back", $"version {version} rolled back",
            TimeSpan.FromSeconds(30));

    [Fact]
    public async Task A_live_version_is_rolled_back_through_the_runs_endpoint_MCP_and_the_CLI_and_asking_again_changes_nothing()
    {
        var name = $"svc-{Guid.NewGuid():N}"[..20];
        using var repository = LocalDeployTests.ServiceRepository(name);
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        var first = await DeployAsync(repositoryId, "1");
        var second = await DeployAsync(repositoryId, "2");

        // The run that deployed a version that is not live cannot roll it back.
        var notLive = await _api.Http.PostAsJsonAsync($"/api/features/{first}/rollback", new { });
        notLive.StatusCode.ShouldBe(HttpStatusCode.Conflict, await notLive.Content.ReadAsStringAsync());
        (await notLive.Content.ReadAsStringAsync()).ShouldContain("is not live (it is standby)");

        // MCP, naming the run.
        await using (var mcp = await McpTestClient.ConnectAsync(api.McpUrl, RunningApi.AdminKey))
        {
            var neither = await mcp.CallAsync("rollback", new { reason = "which one?" });
            McpTestClient.IsError(neither).ShouldBeTrue();
            McpTestClient.Text(neither).ShouldContain("Give either service or feature_id");

            var accepted = await mcp.OkAsync("rollback", new { feature_id = second, reason = "slower than 1" });
            accepted["status"]!.GetValue<string>().ShouldBe("rolling-back");
            accepted["from"]!.GetValue<int>().ShouldBe(2);
            accepted["to"]!.GetValue<int>().ShouldBe(1);
            await RolledBackAsync(name, 2);

            var again = await mcp.OkAsync("rollback", new { feature_id = second });
            again["status"]!.GetValue<string>().ShouldBe("rolled-back", "a second rollback of the same run is an answer, not a second switch");
            again["to"]!.GetValue<int>().ShouldBe(1);
        }

        (await VersionsAsync(name)).ShouldBe([(2, "rolled-back"), (1, "live")]);
        var events = await _api.EventsAsync(second);
        events.Count(e => (string)e!["type"]! == "rollback.completed").ShouldBe(1, "one routing switch");

        // The CLI, naming the service; then the run's rollback again through the CLI.
        var third = await DeployAsync(repositoryId, "3");
        using var cli = CliProcess.LoggedInTo(api);
        var byService = await cli.RunAsync("service", "rollback", name, "--reason", "customers complain");
        byService.ExitCode.ShouldBe(0, byService.ToString());
        byService.Stdout.ShouldContain("rolling back from version 3 to version 1");
        await RolledBackAsync(name, 3);

        var byRun = await cli.RunAsync("feature", "rollback", third.ToString(), "--json");
        byRun.ExitCode.ShouldBe(0, byRun.ToString());
        byRun.Json()["status"]!.GetValue<string>().ShouldBe("rolled-back");

        var list = await cli.RunAsync("service", "list");
        list.Stdout.ShouldContain(name);
        list.Stdout.ShouldContain("version 1 (live)");

        var audit = JsonNode.Parse(await _api.Http.GetStringAsync("/api/audit"))!;
        audit.ToJsonString().ShouldContain("service.rollback_requested");
    }
}
