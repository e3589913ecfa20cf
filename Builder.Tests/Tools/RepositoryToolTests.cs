using System.Text.Json.Nodes;
using Builder.Tests.Agent;
using Builder.Tests.Agent.Scripted;

namespace Builder.Tests.Tools;

/// <summary>
/// Tools a repository carries in .builder/tools: Builder's agent calls them while it writes the change,
/// run in their image with the workspace read-only as their working directory and no network; a broken
/// one is skipped with an event and the run goes on.
/// </summary>
public sealed class RepositoryToolTests(ToolBox tools) : IClassFixture<ToolBox>
{
    const string CountLinesManifest = """
        name: count-lines
        description: Counts the lines of a file of the repository.
        runtime: shell
        entry: count.sh
        timeout: 30s
        memory: 64Mi
        network: [registry.npmjs.org]
        input:
          type: object
          properties:
            path: {type: string, description: The file's path in the repository.}
          required: [path]

        """;

    /// <summary>Answers the lines of a file of its working directory, and whether it could write there.</summary>
    const string CountLinesScript = """
        #!/bin/sh
        path=$(cat | sed -n 's/.*"path" *: *"\([^"]*\)".*/\1/p')
        echo "counting lines of $path in $(pwd)" >&2
        if (: > .written-by-a-tool) 2>/dev/null; then writable=true; else writable=false; fi
        printf '{"lines": %s, "writable": %s}' "$(wc -l < "$path" | tr -d ' ')" "$writable"

        """;

    [Fact]
    public async Task The_agent_calls_a_tool_of_the_repository_that_reads_the_workspace_without_writing_it_or_reaching_the_network()
    {
        using var builder = AgentBuilder.With(tools.Settings);
        var api = builder.Admin();
        await using var model = await ScriptedModel.StartAsync();
        var engineer = Samples.NodeEngineer();
        var lines = Samples.StringsJs.Count(c => c == '\n');
        model.Planner(Samples.NodePlanner()).Engineer(
        [
            Turn.Tool("repository_tools-count_lines", new { path = "src/strings.js" }),
            Turn.From(request =>
            {
                // The repository's tool is offered in its own plugin, its description marked as the repository's words ...
                request.Body.ShouldContain("repository_tools-count_lines");
                request.Body.ShouldContain("The repository describes it as: Counts the lines of a file of the repository.");
                // ... and the model reads what it found in the workspace, which it could not write.
                var answer = request.Json["messages"]!.AsArray().Last(m => (string?)m!["role"] == "tool")!["content"]!.ToString();
                answer.ShouldBe($"{{\"lines\":{lines},\"writable\":false}}");
                return engineer[0];
            }),
            .. engineer[1..],
        ]);
        using var repository = Samples.Node(new Dictionary<string, string>
        {
            [".builder/tools/count-lines/tool.yaml"] = CountLinesManifest,
            [".builder/tools/count-lines/count.sh"] = CountLinesScript,
            // An ordinary tools folder of the repository is not Builder's business.
            ["tools/release/tool.yaml"] = "name: release\n",
        });
        var repositoryId = await api.RegisterAsync(repository, model.OpenAiEndpoint);

        var id = await api.RequestAsync(repositoryId, "Add titleCase", "Add a titleCase(text) helper to src/strings.js that capitalises every word.");
        var feature = await api.WaitForEndAsync(id);

        model.Problems.ShouldBeEmpty();
        feature["status"]!.GetValue<string>().ShouldBe("Completed", await api.DescribeAsync(id));
        (await api.EventsOfAsync(id, "repository_tools.offered")).Single()["payload"]!["tools"]!.AsArray().Select(t => (string)t!).ShouldBe(["count-lines"]);
        (await api.EventsOfAsync(id, "repository_tool.skipped")).ShouldBeEmpty();

        var executions = JsonNode.Parse(await api.Http.GetStringAsync("/api/tools/executions?tool=repo:count-lines"))!.AsArray();
        var execution = executions.Single()!;
        execution["status"]!.GetValue<string>().ShouldBe("succeeded");
        execution["requestedBy"]!.GetValue<string>().ShouldBe($"agent:{id}");
        execution["image"]!.GetValue<string>().ShouldStartWith("builder-env:");
        var log = await api.Http.GetStringAsync($"/api/tools/executions/{execution["id"]}/logs");
        log.ShouldContain("count-lines asks to reach registry.npmjs.org; a repository's tools run without network");
        log.ShouldContain("counting lines of src/strings.js in /");
    }

    [Fact]
    public async Task A_broken_tool_of_the_repository_is_skipped_with_an_event_and_the_run_goes_on()
    {
        using var builder = AgentBuilder.With(tools.Settings);
        var api = builder.Admin();
        await using var model = await ScriptedModel.StartAsync();
        model.Planner(Samples.NodePlanner()).Engineer(
        [
            Turn.From(request =>
            {
                // The broken tool is not offered; the good one beside it is.
                request.Body.ShouldNotContain("repository_tools-broken");
                request.Body.ShouldContain("repository_tools-count_lines");
                return Samples.NodeEngineer()[0];
            }),
            .. Samples.NodeEngineer()[1..],
        ]);
        using var repository = Samples.Node(new Dictionary<string, string>
        {
            [".builder/tools/broken/tool.yaml"] = "name: broken\ndescription: Lints in COBOL.\nruntime: cobol\nentry: lint.cob\ninput: {type: object}\n",
            [".builder/tools/count-lines/tool.yaml"] = CountLinesManifest,
            [".builder/tools/count-lines/count.sh"] = CountLinesScript,
        });
        var repositoryId = await api.RegisterAsync(repository, model.OpenAiEndpoint);

        var id = await api.RequestAsync(repositoryId, "Add titleCase", "Add a titleCase(text) helper to src/strings.js that capitalises every word.");
        var feature = await api.WaitForEndAsync(id);

        model.Problems.ShouldBeEmpty();
        feature["status"]!.GetValue<string>().ShouldBe("Completed", await api.DescribeAsync(id));
        var skipped = (await api.EventsOfAsync(id, "repository_tool.skipped")).Single()["payload"]!;
        skipped["tool"]!.GetValue<string>().ShouldBe("broken");
        skipped["manifest"]!.GetValue<string>().ShouldBe(".builder/tools/broken/tool.yaml");
        skipped["notice"]!.GetValue<string>().ShouldContain("runtime 'cobol' is not one of node, python, shell");
        skipped["notice"]!.GetValue<string>().ShouldContain("entry 'lint.cob' does not exist");
    }
}
