using Builder.Tests.Agent.Scripted;
using Builder.Tests.Support;

namespace Builder.Tests.Agent;

/// <summary>Malformed answers get a refined prompt that names the problem, three at most; rate limits and timeouts are retried with back-off.</summary>
public sealed class MalformedOutputTests(AgentBuilder builder) : IClassFixture<AgentBuilder>
{
    readonly BuilderApi _api = builder.Admin();

    [Fact]
    public async Task Malformed_answers_rate_limits_and_a_timeout_are_retried_and_the_run_then_succeeds()
    {
        await using var model = await ScriptedModel.StartAsync();
        var engineer = Samples.NodeEngineer();
        model.Planner(
                Turn.Text("Here is the plan: {summary: Add titleCase, steps: [edit strings.js]}"),
                Turn.From(request =>
                {
                    request.LastMessage.ShouldContain("could not be used: the answer is not valid JSON");
                    return Turn.Json(Samples.NodePlan);
                }))
            .Engineer(
                Turn.RateLimited(1),
                Turn.Slow(TimeSpan.FromSeconds(10), engineer[0]),
                engineer[0],
                Turn.Tool("run_shell", new { command = "npm test" }),
                Turn.Tool("apply_edit", new { path = "src/strings.js", search = "module.exports = { slugify, kebab };", replace = "x" }),
                Turn.From(request =>
                {
                    request.LastMessage.ShouldContain("the search text was not found in 'src/strings.js'");
                    request.LastMessage.ShouldContain("The closest text starts at line 8");
                    return engineer[1];
                }),
                engineer[2],
                engineer[3]);
        using var repository = Samples.Node();
        var repositoryId = await _api.RegisterAsync(repository, model.OpenAiEndpoint);

        var id = await _api.RequestAsync(repositoryId, "Add titleCase", "Add a titleCase(text) helper that capitalises every word.");
        var feature = await _api.WaitForEndAsync(id);

        feature["status"]!.GetValue<string>().ShouldBe("Completed", await _api.DescribeAsync(id));
        model.Problems.ShouldBeEmpty();
        var malformed = (await _api.EventsOfAsync(id, "agent.malformed")).Select(e => e["payload"]!["problem"]!.GetValue<string>()).ToList();
        malformed.Count.ShouldBe(3);
        malformed[0].ShouldContain("not valid JSON");
        malformed[1].ShouldContain("a tool that does not exist ('run_shell')");
        malformed[2].ShouldContain("the search text was not found");
        var unknown = (await _api.EventsOfAsync(id, "agent.tool")).Single(t => (string)t["payload"]!["outcome"]! == "unknown_tool");
        unknown["payload"]!["tool"]!.GetValue<string>().ShouldContain("run_shell");

        // The engineer's first call met a 429 (Retry-After: 1) and then a timeout before its answer came.
        var first = (await _api.EventsOfAsync(id, "llm.call")).First(c => (string)c["payload"]!["session"]! == "generate-1");
        first["payload"]!["retries"]!.GetValue<int>().ShouldBe(2);
        var transcript = await _api.ArtifactJsonAsync(id, first["payload"]!["transcript"]!.GetValue<string>());
        var retries = transcript["retries"]!.AsArray();
        retries[0]!["status"]!.GetValue<int>().ShouldBe(429);
        retries[0]!["waitMs"]!.GetValue<long>().ShouldBe(1000);
        retries[1]!["reason"]!.GetValue<string>().ShouldContain("no answer within 3 s");
        model.RequestsOf("engineer").Count.ShouldBe(8, "the rate-limited and the timed-out requests were sent again");
    }

    [Fact]
    public async Task After_three_malformed_answers_the_run_fails_with_every_problem_named()
    {
        await using var model = await ScriptedModel.StartAsync();
        model.Planner(
            Turn.Text("I think we should add a function."),
            Turn.Text("{\"summary\": \"Add titleCase\"}"),
            Turn.Json(new { summary = "Add titleCase", steps = new[] { "edit" }, files = new[] { new { path = "../outside.js", action = "add" } }, tests = Array.Empty<object>() }));
        using var repository = Samples.Node();
        var repositoryId = await _api.RegisterAsync(repository, model.OpenAiEndpoint);

        var id = await _api.RequestAsync(repositoryId, "Add titleCase", "Add a titleCase(text) helper that capitalises every word.");
        var feature = await _api.WaitForEndAsync(id);

        feature["status"]!.GetValue<string>().ShouldBe("Failed", await _api.DescribeAsync(id));
        feature["error"]!["code"]!.GetValue<string>().ShouldBe("malformed_output");
        feature["error"]!["phase"]!.GetValue<string>().ShouldBe("plan");
        var message = feature["error"]!["message"]!.GetValue<string>();
        message.ShouldContain("could not be used 3 times in plan-1");
        message.ShouldContain("1) the answer has no JSON object");
        message.ShouldContain("2) the plan is not valid: \"steps\" must list at least one step");
        message.ShouldContain("3) the plan is not valid: files[0].path '../outside.js' is refused");
        var planner = model.RequestsOf("planner");
        planner.Count.ShouldBe(3);
        planner[1].LastMessage.ShouldContain("the answer has no JSON object");
        planner[2].LastMessage.ShouldContain("\"steps\" must list at least one step");
        repository.Branches().ShouldBe(["main"]);
    }
}
