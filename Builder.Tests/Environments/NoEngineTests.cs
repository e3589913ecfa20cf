using System.Diagnostics;
using Builder.Tests.Support;

namespace Builder.Tests.Environments;

/// <summary>
/// A repository with an environment manifest on a worker with no container engine: refused when the
/// worker lacks a runtime it names, run under the worker's sandbox (saying what is not applied) when not.
/// </summary>
public sealed class NoEngineTests(EmbeddedBuilder builder) : IClassFixture<EmbeddedBuilder>
{
    readonly BuilderApi _api = builder.Admin();

    static string WorkerNodeMajor()
    {
        using var node = Process.Start(new ProcessStartInfo("node", ["--version"]) { RedirectStandardOutput = true })!;
        var version = node.StandardOutput.ReadToEnd().Trim();
        node.WaitForExit();
        return version.TrimStart('v').Split('.')[0];
    }

    async Task<(System.Text.Json.Nodes.JsonNode Feature, System.Text.Json.Nodes.JsonArray Events)> RunAsync(string manifest)
    {
        using var repository = TestRepository.Create(new Dictionary<string, string>
        {
            ["Makefile"] = "build:\n\t@node --version\n\ntest:\n\t@true\n",
            ["value.txt"] = "0\n",
            [".builder/environment.yaml"] = manifest,
        });
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        var id = await _api.SubmitAsync(repositoryId, "Value 1", [BuilderApi.File("value.txt", "1\n", "replace")]);
        return (await _api.WaitForEndAsync(id, TimeSpan.FromMinutes(3)), await _api.EventsAsync(id));
    }

    [Fact]
    public async Task A_runtime_the_worker_lacks_is_refused_at_Plan_saying_what_is_missing()
    {
        var (feature, _) = await RunAsync("runtimes:\n  node: \"12\"\n");

        feature["status"]!.GetValue<string>().ShouldBe("Failed", feature.ToJsonString());
        feature["error"]!["phase"]!.GetValue<string>().ShouldBe("plan");
        feature["error"]!["code"]!.GetValue<string>().ShouldBe("environment_unavailable");
        var message = feature["error"]!["message"]!.GetValue<string>();
        message.ShouldContain("asks for node 12, which this worker does not have");
        message.ShouldContain("no Docker engine");
        message.ShouldContain("Builder:Sandbox:DockerEndpoint");
    }

    [Fact]
    public async Task Runtimes_the_worker_has_run_under_its_sandbox_with_a_notice_of_what_is_not_applied()
    {
        var (feature, events) = await RunAsync($"runtimes:\n  node: \"{WorkerNodeMajor()}\"\npackages: [libxml2-dev]\n");

        feature["status"]!.GetValue<string>().ShouldBe("Completed", feature.ToJsonString());
        var fallback = events.Single(e => (string)e!["type"]! == "environment.fallback")!["payload"]!;
        var notice = fallback["notice"]!.GetValue<string>();
        notice.ShouldContain($"node {WorkerNodeMajor()}.");
        notice.ShouldContain("not applied: packages (libxml2-dev)");
    }

    [Fact]
    public async Task An_invalid_environment_manifest_fails_Plan_naming_the_line()
    {
        var (feature, _) = await RunAsync("runtimes:\n  node: \"18\"\nimage: node:18\n");

        feature["status"]!.GetValue<string>().ShouldBe("Failed");
        feature["error"]!["code"]!.GetValue<string>().ShouldBe("environment_invalid");
        feature["error"]!["message"]!.GetValue<string>().ShouldContain("line 3: unknown setting 'image'");
    }

    [Fact]
    public async Task Without_an_engine_the_environments_say_so_and_list_no_image()
    {
        var listed = System.Text.Json.Nodes.JsonNode.Parse(await _api.Http.GetStringAsync("/api/environments"))!;

        listed["engine"]!.GetValue<string>().ShouldContain("no Docker engine");
        listed["images"]!.AsArray().ShouldBeEmpty();
    }
}
