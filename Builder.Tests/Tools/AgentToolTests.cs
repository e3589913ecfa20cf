using Builder.Tests.Agent;
using Builder.Tests.Agent.Scripted;
using Builder.Tests.Support;

namespace Builder.Tests.Tools;

/// <summary>Builder's own agent calls a tool of the tools folder as a kernel function generated from its manifest.</summary>
public sealed class AgentToolTests(ToolBox tools) : IClassFixture<ToolBox>
{
    [Fact]
    public async Task The_agent_calls_a_tool_as_a_kernel_function_and_reads_its_output()
    {
        using var builder = AgentBuilder.With(tools.Settings);
        var api = builder.Admin();
        await using var model = await ScriptedModel.StartAsync();
        var engineer = Samples.NodeEngineer();
        model.Planner(Samples.NodePlanner()).Engineer(
        [
            Turn.Tool("word_count", new { text = "Add a titleCase helper" }),
            Turn.From(request =>
            {
                // The tool's own definition, from its manifest, is offered to the model ...
                request.Body.ShouldContain("Counts the words of a text.");
                // ... and its output is what the model reads back.
                var answer = request.Json["messages"]!.AsArray().Last(m => (string?)m!["role"] == "tool")!["content"]!.ToString();
                answer.ShouldBe("{\"words\":4}");
                return engineer[0];
            }),
            .. engineer[1..],
        ]);
        using var repository = Samples.Node();
        var repositoryId = await api.RegisterAsync(repository, model.OpenAiEndpoint);

        var id = await api.RequestAsync(repositoryId, "Add titleCase", "Add a titleCase(text) helper to src/strings.js that capitalises every word.");
        var feature = await api.WaitForEndAsync(id);

        model.Problems.ShouldBeEmpty();
        feature["status"]!.GetValue<string>().ShouldBe("Completed", await api.DescribeAsync(id));
        var calls = await api.EventsOfAsync(id, "agent.tool");
        var wordCount = calls.Single(c => (string)c["payload"]!["tool"]! == "word_count");
        wordCount["payload"]!["outcome"]!.GetValue<string>().ShouldBe("ok");
    }
}
