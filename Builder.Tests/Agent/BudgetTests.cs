using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Builder.Tests.Agent.Scripted;
using Builder.Tests.Support;

namespace Builder.Tests.Agent;

/// <summary>A run about to pass its token budget waits at the "budget" gate; raising the limit and approving completes it, rejecting ends it.</summary>
public sealed class BudgetTests(AgentBuilder builder) : IClassFixture<AgentBuilder>
{
    readonly BuilderApi _api = builder.Admin();

    [Fact]
    public async Task A_run_about_to_pass_its_budget_pauses_and_completes_once_the_limit_is_raised_without_paying_twice()
    {
        await using var model = await ScriptedModel.StartAsync();
        // Exactly the turns one run needs: a resumed step that asked the model again for an answer it already has would run out.
        model.Planner(Samples.NodePlanner()).Engineer(Samples.NodeEngineer());
        using var repository = Samples.Node();
        var repositoryId = await _api.RegisterAsync(repository, model.OpenAiEndpoint, maxTokens: 9000);

        var id = await _api.RequestAsync(repositoryId, "Add titleCase", "Add a titleCase(text) helper that capitalises every word.");
        var paused = await _api.WaitForStatusAsync(id, "AwaitingApproval");

        paused["gate"]!.GetValue<string>().ShouldBe("budget", await _api.DescribeAsync(id));
        paused["currentPhase"]!.GetValue<string>().ShouldBe("generate");
        var request = (await _api.EventsOfAsync(id, "approval.requested")).Single()["payload"]!;
        request["gate"]!.GetValue<string>().ShouldBe("budget");
        request["reason"]!.GetValue<string>().ShouldContain("token limit");
        var usage = JsonNode.Parse(await _api.Http.GetStringAsync($"/api/features/{id}/usage"))!;
        usage["limits"]!["maxTokens"]!.GetValue<long>().ShouldBe(9000);
        usage["totals"]!["totalTokens"]!.GetValue<long>().ShouldBeLessThanOrEqualTo(9000, "the run stopped before passing its limit");
        repository.Branches().ShouldBe(["main"]);

        var raised = await _api.Http.PostAsJsonAsync($"/api/features/{id}/budget", new { maxTokens = 1_000_000 });
        raised.StatusCode.ShouldBe(HttpStatusCode.OK, await raised.Content.ReadAsStringAsync());
        (await _api.ActAsync(id, "approve")).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var feature = await _api.WaitForEndAsync(id);

        feature["status"]!.GetValue<string>().ShouldBe("Completed", await _api.DescribeAsync(id));
        model.Problems.ShouldBeEmpty();
        var calls = (await _api.EventsOfAsync(id, "llm.call")).Select(c => c["payload"]!).ToList();
        var reused = calls.Where(c => c["cached"]!.GetValue<bool>()).ToList();
        reused.ShouldNotBeEmpty("the resumed step reuses the answers the feature already paid for");
        reused.ShouldAllBe(c => c["inputTokens"]!.GetValue<int>() == 0 && (string)c["session"]! == "generate-2");
        (await _api.EventsOfAsync(id, "approval.granted")).Single()["payload"]!["gate"]!.GetValue<string>().ShouldBe("budget");
        JsonNode.Parse(await _api.Http.GetStringAsync($"/api/features/{id}/usage"))!["limits"]!["maxTokens"]!.GetValue<long>().ShouldBe(1_000_000);
    }

    [Fact]
    public async Task Rejecting_at_the_budget_gate_ends_the_run_Rejected_before_any_model_call()
    {
        await using var model = await ScriptedModel.StartAsync();
        model.Planner(Samples.NodePlanner()).Engineer(Samples.NodeEngineer());
        using var repository = Samples.Node();
        var repositoryId = await _api.RegisterAsync(repository, model.OpenAiEndpoint, maxTokens: 100);

        var id = await _api.RequestAsync(repositoryId, "Add titleCase", "Add a titleCase(text) helper that capitalises every word.");
        var paused = await _api.WaitForStatusAsync(id, "AwaitingApproval");
        paused["gate"]!.GetValue<string>().ShouldBe("budget");
        paused["currentPhase"]!.GetValue<string>().ShouldBe("plan");
        model.Requests.ShouldBeEmpty("the budget is checked before a request is sent");

        (await _api.ActAsync(id, "reject", new { reason = "too expensive" })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var feature = await _api.WaitForEndAsync(id);

        feature["status"]!.GetValue<string>().ShouldBe("Rejected");
        (await _api.EventsOfAsync(id, "feature.rejected")).Single()["payload"]!["gate"]!.GetValue<string>().ShouldBe("budget");
        (await _api.Http.PostAsJsonAsync($"/api/features/{id}/budget", new { maxTokens = 5 })).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        repository.Branches().ShouldBe(["main"]);
    }
}
