using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Builder.Tests.Agent.Scripted;
using Builder.Tests.Support;

namespace Builder.Tests.Agent;

/// <summary>A repository of 20,000 files: the plan's prompt stays within the configured token budget, and the map is cached per commit.</summary>
public sealed class LargeRepositoryTests(AgentBuilder builder) : IClassFixture<AgentBuilder>
{
    readonly BuilderApi _api = builder.Admin();

    [Fact]
    public async Task The_plan_prompt_of_a_20000_file_repository_stays_within_the_token_budget()
    {
        await using var model = await ScriptedModel.StartAsync();
        model.Planner(Turn.Json(Samples.NodePlan));
        using var repository = Samples.Node();
        AddGeneratedFiles(repository, 20_000);
        var repositoryId = await _api.RegisterAsync(repository, model.OpenAiEndpoint);

        var id = await _api.RequestAsync(repositoryId, "Add titleCase to the strings helpers", "Add a titleCase(text) helper to the strings module.", "checkpoints");
        var gated = await _api.WaitForStatusAsync(id, "AwaitingApproval", TimeSpan.FromMinutes(3));
        gated["gate"]!.GetValue<string>().ShouldBe("plan", await _api.DescribeAsync(id));

        // Asserted from the recorded request, as sent.
        var transcript = await _api.ArtifactJsonAsync(id, "llm-plan-1-001.json");
        var bytes = transcript["requestBytes"]!.GetValue<int>();
        (bytes / 4).ShouldBeLessThanOrEqualTo(AgentBuilder.PlanPromptTokens);
        transcript["requestTokensEstimate"]!.GetValue<int>().ShouldBeLessThanOrEqualTo(AgentBuilder.PlanPromptTokens);
        (bytes / 4).ShouldBeGreaterThan(AgentBuilder.PlanPromptTokens / 2, "the map uses the budget it has");
        var prompt = transcript["request"]!["messages"]![1]!["content"]!.GetValue<string>();
        prompt.ShouldContain("more file(s) not shown");
        prompt.IndexOf("src/strings.js", StringComparison.Ordinal).ShouldBeLessThan(prompt.IndexOf("pkg/area", StringComparison.Ordinal),
            "the file the request names ranks first");

        var analysis = (await _api.EventsOfAsync(id, "repository.analyzed")).Single()["payload"]!;
        analysis["files"]!.GetValue<int>().ShouldBe(20_004);
        analysis["likelyLocations"]![0]!.GetValue<string>().ShouldBe("src/strings.js");

        // The checkpoints gate shows the agent's plan.
        var plan = await _api.ArtifactJsonAsync(id, "plan.json");
        plan["steps"]!.AsArray().Count.ShouldBe(2);
        plan["risks"]!.AsArray().Count.ShouldBe(1);

        var baseCommit = gated["baseCommit"]!.GetValue<string>();
        File.Exists(Path.Combine(builder.DataDirectory, "mirrors", $"{repositoryId:N}.git", "builder-repomap", $"{baseCommit}.json")).ShouldBeTrue();
        (await _api.ActAsync(id, "reject", new { reason = "seen enough" })).IsSuccessStatusCode.ShouldBeTrue();
        (await _api.WaitForEndAsync(id))["status"]!.GetValue<string>().ShouldBe("Rejected");
    }

    /// <summary>Commits the files straight into the remote with git fast-import: writing 20,000 files to disk first would only time the disk.</summary>
    static void AddGeneratedFiles(TestRepository repository, int count)
    {
        var stream = new StringBuilder("commit refs/heads/main\ncommitter Test <test@localhost> 1700000000 +0000\ndata 15\ngenerated files\nfrom refs/heads/main^0\n");
        for (var i = 0; i < count; i++)
        {
            var content = $"exports.component{i} = () => {i};\n";
            stream.Append($"M 100644 inline pkg/area{i % 200:D3}/component{i:D5}.js\ndata {Encoding.UTF8.GetByteCount(content)}\n{content}\n");
        }

        var psi = new ProcessStartInfo("git", ["fast-import", "--quiet"]) { WorkingDirectory = repository.RemotePath, RedirectStandardInput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        process.StandardInput.Write(stream.ToString());
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.ShouldBe(0, error);
    }
}
