using System.Net;
using System.Text.Json.Nodes;
using Builder.Tests.Agent.Scripted;
using Builder.Tests.Support;

namespace Builder.Tests.Agent;

/// <summary>The agent fixes its change from the compiler's errors; the fix budget bounds the rounds; a finished run replays from its transcripts alone.</summary>
public sealed class FeedbackLoopTests(AgentBuilder builder) : IClassFixture<AgentBuilder>
{
    readonly BuilderApi _api = builder.Admin();

    const string Broken = """
        /** Upper-cases the first letter of every word. */
        function titleCase(text) {
          return text.split(' ').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(' ');

        module.exports = { slugify, titleCase };
        """;

    static Turn[] BrokenRound() =>
    [
        Turn.Tool("apply_edit", new { path = "src/strings.js", search = "module.exports = { slugify };", replace = Broken }),
        Turn.Tool("write_file", new { path = "test/titlecase.test.js", content = Samples.TitleCaseTest }),
        Turn.Json(new { summary = "Added titleCase and its test.", edits = Array.Empty<object>() }),
    ];

    [Fact]
    public async Task A_change_that_does_not_compile_is_fixed_in_the_next_round_from_the_compiler_errors_and_replays_to_the_same_diff()
    {
        await using var model = await ScriptedModel.StartAsync();
        model.Planner(Samples.NodePlanner()).Engineer(BrokenRound()).Engineer(
            Turn.From(request =>
            {
                // The second round is told what failed, as data, with its own previous change in place.
                request.Body.ShouldContain("SyntaxError");
                request.Body.ShouldContain("previous change is already applied");
                return Turn.Tool("read_file", new { path = "src/strings.js" });
            }),
            Turn.Tool("apply_edit", new
            {
                path = "src/strings.js",
                search = "word.slice(1)).join(' ');\n\nmodule.exports",
                replace = "word.slice(1)).join(' ');\n}\n\nmodule.exports",
            }),
            Turn.Json(new { summary = "Closed the function body.", edits = Array.Empty<object>() }));
        using var repository = Samples.Node();
        var repositoryId = await _api.RegisterAsync(repository, model.OpenAiEndpoint);

        var id = await _api.RequestAsync(repositoryId, "Add titleCase", "Add a titleCase(text) helper that capitalises every word.");
        var feature = await _api.WaitForEndAsync(id);

        feature["status"]!.GetValue<string>().ShouldBe("Completed", await _api.DescribeAsync(id));
        feature["attempt"]!.GetValue<int>().ShouldBe(2);
        model.Problems.ShouldBeEmpty();
        var fix = (await _api.EventsOfAsync(id, "fix.requested")).Single();
        fix["payload"]!["errorCode"]!.GetValue<string>().ShouldBe("build_failed");
        fix["payload"]!["message"]!.GetValue<string>().ShouldContain("SyntaxError");
        var engineerRound2 = model.RequestsOf("engineer")[3];
        var prompt = engineerRound2.Json["messages"]![1]!["content"]!.ToString();
        prompt.ShouldContain("<repository-data source=\"build and test output\">");
        repository.Show(feature["branch"]!.GetValue<string>(), "src/strings.js").ShouldContain("join(' ');\n}\n");

        var session = await _api.ArtifactJsonAsync(id, "llm-generate-2.json");
        session["startSession"]!.GetValue<string>().ShouldBe("generate-1");
        session["status"]!.GetValue<string>().ShouldBe("completed");

        // Replay: no model (the scripted one must see no request), same diff, byte for byte.
        var before = model.Requests.Count;
        var replay = await ReplayAsync(id);
        replay["status"]!.GetValue<string>().ShouldBe("completed", replay.ToJsonString());
        var result = replay["result"]!;
        result["identical"]!.GetValue<bool>().ShouldBeTrue(result.ToJsonString());
        result["requestMismatches"]!.GetValue<int>().ShouldBe(0, "every replayed request is the recorded one, byte for byte");
        result["unusedAnswers"]!.GetValue<int>().ShouldBe(0);
        result["sessions"]!.AsArray().Select(s => s!.GetValue<string>()).ShouldBe(["plan-1", "generate-1", "generate-2"]);
        model.Requests.Count.ShouldBe(before);
        var replayed = await _api.Http.GetByteArrayAsync($"/api/features/{id}/artifacts/{result["diff"]!.GetValue<string>()}");
        var delivered = await _api.Http.GetByteArrayAsync($"/api/features/{id}/artifacts/change.diff");
        replayed.ShouldBe(delivered);
    }

    [Fact]
    public async Task A_third_failure_ends_Failed_with_the_compiler_errors()
    {
        await using var model = await ScriptedModel.StartAsync();
        // Each fix round touches the file but never closes the function.
        Turn[] StillBroken(int round) =>
        [
            Turn.Tool("apply_edit", new { path = "src/strings.js", search = "Upper-cases the first letter", replace = $"Upper-cases the first letter (round {round})" }),
            Turn.Json(new { summary = $"Round {round}.", edits = Array.Empty<object>() }),
        ];
        model.Planner(Samples.NodePlanner()).Engineer(BrokenRound()).Engineer(StillBroken(2)).Engineer(StillBroken(3));
        using var repository = Samples.Node();
        var repositoryId = await _api.RegisterAsync(repository, model.OpenAiEndpoint);

        var id = await _api.RequestAsync(repositoryId, "Add titleCase", "Add a titleCase(text) helper that capitalises every word.");
        var feature = await _api.WaitForEndAsync(id);

        feature["status"]!.GetValue<string>().ShouldBe("Failed", await _api.DescribeAsync(id));
        feature["error"]!["code"]!.GetValue<string>().ShouldBe("build_failed");
        feature["error"]!["phase"]!.GetValue<string>().ShouldBe("build");
        feature["error"]!["message"]!.GetValue<string>().ShouldContain("SyntaxError");
        feature["attempt"]!.GetValue<int>().ShouldBe(3);
        (await _api.EventsOfAsync(id, "fix.requested")).Count.ShouldBe(2);
        model.Problems.ShouldBeEmpty();
        repository.Branches().ShouldBe(["main"]);
    }

    async Task<JsonNode> ReplayAsync(Guid id)
    {
        var response = await _api.ActAsync(id, "replay");
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var url = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["statusUrl"]!.GetValue<string>();
        return await Eventually.Until(async () => JsonNode.Parse(await _api.Http.GetStringAsync(url))!, r => (string?)r["status"] != "running",
            "the replay to end", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
    }
}
