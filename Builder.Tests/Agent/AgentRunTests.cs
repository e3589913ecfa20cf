using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Builder.Tests.Agent.Scripted;
using Builder.Tests.Support;

namespace Builder.Tests.Agent;

/// <summary>Requests without a draft, written by Builder's agent against a scripted model over real HTTP, through the whole pipeline.</summary>
public sealed class AgentRunTests(AgentBuilder builder) : IClassFixture<AgentBuilder>
{
    readonly BuilderApi _api = builder.Admin();

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_request_without_a_draft_runs_to_Completed_with_code_and_a_test_the_agent_wrote(string provider)
    {
        await using var model = await ScriptedModel.StartAsync();
        model.Planner(Samples.NodePlanner()).Engineer(Samples.NodeEngineer());
        using var repository = Samples.Node();
        var endpoint = provider == "openai" ? model.OpenAiEndpoint : model.AnthropicEndpoint;
        var repositoryId = await _api.RegisterAsync(repository, endpoint, provider);

        var id = await _api.RequestAsync(repositoryId, "Add titleCase", "Add a titleCase(text) helper to src/strings.js that capitalises every word.");
        var feature = await _api.WaitForEndAsync(id);

        feature["status"]!.GetValue<string>().ShouldBe("Completed", await _api.DescribeAsync(id));
        model.Problems.ShouldBeEmpty();
        model.Requests.ShouldAllBe(r => r.Api == provider);
        var branch = feature["branch"]!.GetValue<string>();
        repository.Show(branch, "src/strings.js").ShouldContain("function titleCase(text)");
        repository.Show(branch, "test/titlecase.test.js").ShouldBe(Samples.TitleCaseTest);
        repository.Show("main", "src/strings.js").ShouldBe(Samples.StringsJs, "the target branch is untouched");

        // The tools ran for real: the engineer's second request carries what read_file returned.
        var tools = await _api.EventsOfAsync(id, "agent.tool");
        tools.Select(t => (string)t["payload"]!["tool"]!).ShouldBe(["list_files", "outline_file", "read_file", "search_text", "apply_edit", "write_file"]);
        tools.ShouldAllBe(t => (string)t["payload"]!["outcome"]! == "ok");
        model.RequestsOf("engineer")[1].Body.ShouldContain("function slugify(text)");
        model.RequestsOf("planner")[1].Body.ShouldContain("function slugify");

        // Every call is an event with its tokens and cost, and a transcript artifact with the exact request and response.
        var calls = await _api.EventsOfAsync(id, "llm.call");
        calls.Count.ShouldBe(7, "2 planner, 4 engineer and 1 reviewer requests");
        foreach (var call in calls)
        {
            var payload = call["payload"]!;
            payload["provider"]!.GetValue<string>().ShouldBe(provider);
            payload["inputTokens"]!.GetValue<int>().ShouldBeGreaterThan(0);
            payload["outputTokens"]!.GetValue<int>().ShouldBeGreaterThan(0);
            payload["cost"]!.GetValue<decimal>().ShouldBeGreaterThan(0);
            payload["finishReason"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
            var transcript = await _api.ArtifactJsonAsync(id, payload["transcript"]!.GetValue<string>());
            transcript["request"]!["messages"].ShouldNotBeNull();
            transcript["responseBody"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        }

        (await _api.EventsOfAsync(id, "repository.analyzed")).Single()["payload"]!["languages"]![0]!["language"]!.GetValue<string>().ShouldBe("JavaScript");
        var plan = await _api.ArtifactJsonAsync(id, "plan.json");
        plan["author"]!.GetValue<string>().ShouldBe("agent");
        plan["tests"]![0]!["path"]!.GetValue<string>().ShouldBe("test/titlecase.test.js");
        plan["toolchain"]!.GetValue<string>().ShouldBe("node");
        plan["buildCommand"]!.GetValue<string>().ShouldBe("npm run build");
        plan["testCommand"]!.GetValue<string>().ShouldContain("node --test");
        (await _api.EventsOfAsync(id, "agent.validated")).Single()["payload"]!["verdict"]!.GetValue<string>().ShouldBe("complete");

        var usage = JsonNode.Parse(await _api.Http.GetStringAsync($"/api/features/{id}/usage"))!;
        usage["totals"]!["calls"]!.GetValue<int>().ShouldBe(7);
        usage["totals"]!["totalTokens"]!.GetValue<long>().ShouldBe(calls.Sum(c => c["payload"]!["inputTokens"]!.GetValue<long>() + c["payload"]!["outputTokens"]!.GetValue<long>()));
        var perRepository = JsonNode.Parse(await _api.Http.GetStringAsync($"/api/repositories/{repositoryId}/usage"))!;
        perRepository["totalTokens"]!.GetValue<long>().ShouldBe(usage["totals"]!["totalTokens"]!.GetValue<long>());
        var tenant = JsonNode.Parse(await _api.Http.GetStringAsync("/api/usage"))!;
        tenant["totals"]!["totalTokens"]!.GetValue<long>().ShouldBeGreaterThanOrEqualTo(perRepository["totalTokens"]!.GetValue<long>());
    }
}
