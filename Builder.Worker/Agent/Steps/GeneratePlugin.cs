using System.ComponentModel;
using System.Text.Json;
using Builder.Worker.Agent.Edits;
using Builder.Worker.Agent.Plugins;
using Builder.Worker.Agent.Prompts;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Builder.Worker.Agent.Steps;

/// <summary>
/// Generate: the model writes the change with the repository tools (or as edits in its answer),
/// every edit applied through the policies with a precise reason when it does not apply. A fix
/// round starts from the previous change with the build's or tests' errors as data. The change is
/// then self-reviewed; a real gap gets one more round when the run's fix budget is not spent.
/// </summary>
public sealed class GeneratePlugin
{
    [KernelFunction("write_change"), Description("Writes the planned change and its tests into the workspace, then reviews it.")]
    public async Task<GenerationResult> WriteChangeAsync(
        AgentStep step, AgentPlan plan, string map, string? feedback, bool fromPrevious, bool mayRevise, Func<Task<string>> diff, Kernel kernel)
    {
        var context = step.Context;
        var tools = ToolSets.From(step.Kernel, ToolSets.WritePlugins);
        var edits = new EditPlugin(context.Workspace);

        var history = new ChatHistory(AgentPrompts.Engineer);
        history.AddUserMessage($"""
            The request:
            {context.Request}
            {(string.IsNullOrWhiteSpace(context.Feature.Description) ? "" : "")}
            The approved plan:
            {JsonSerializer.Serialize(plan, AgentJson.Options)}

            The repository map:
            {Fence.Data("repository map", map)}
            {(feedback is null ? "" : $"""

            {(fromPrevious ? "Your previous change is already applied in the workspace. " : "")}Builder built and tested it, and it failed. Fix it; the output follows:
            {Fence.Data("build and test output", feedback)}
            """)}
            """);

        var summary = await step.ConverseAsync("generate", history, tools, text => AcceptAsync(text, context, edits), AgentPrompts.EditFormat);
        var reviews = new List<ReviewResult>();
        var validate = kernel.Plugins["validate"]["review_change"];
        var review = await Review(1);
        if (review.HasGap && mayRevise)
        {
            history.AddUserMessage($"""
                A review of your change found what the request still needs:
                {string.Join("\n", review.Findings.Select(f => $"- [{f.Severity}] {(string.IsNullOrEmpty(f.File) ? "" : f.File + ": ")}{f.Message}"))}
                Complete the change, then answer with the JSON object again.
                """);
            summary = await step.ConverseAsync("generate", history, tools, text => AcceptAsync(text, context, edits), AgentPrompts.EditFormat);
            await Review(2);
        }

        return new GenerationResult(summary, reviews);

        async Task<ReviewResult> Review(int round)
        {
            var result = (await validate.InvokeAsync(kernel, new KernelArguments { ["step"] = step, ["plan"] = plan, ["diff"] = await diff(), ["round"] = round }))
                .GetValue<ReviewResult>()!;
            reviews.Add(result);
            return result;
        }
    }

    /// <summary>Applies the edits of a final answer; an answer whose edits do not all apply, or that changes nothing, is sent back.</summary>
    static async Task<(string? Summary, string? Problem)> AcceptAsync(string? text, AgentContext context, EditPlugin edits)
    {
        var (json, problem) = JsonAnswer.Parse(text);
        if (problem is not null)
            return (null, problem);
        if (json.ValueKind == JsonValueKind.Object && json.TryGetProperty("edits", out var e) && e.ValueKind != JsonValueKind.Array)
            return (null, "\"edits\" must be an array");

        var failures = new List<string>();
        var all = JsonAnswer.Array(json, "edits").ToList();
        for (var i = 0; i < all.Count; i++)
        {
            var edit = all[i];
            var path = JsonAnswer.String(edit, "path") ?? "";
            string result;
            if (edit.TryGetProperty("delete", out var delete) && delete.ValueKind == JsonValueKind.True)
                result = await edits.DeleteFileAsync(path);
            else if (JsonAnswer.String(edit, "content") is { } content)
                result = await edits.WriteFileAsync(path, content, context.CancellationToken);
            else if (JsonAnswer.String(edit, "search") is { } search && JsonAnswer.String(edit, "replace") is { } replace)
                result = await edits.ApplyEditAsync(path, search, replace, context.CancellationToken);
            else
                result = "ERROR: an edit needs \"search\" and \"replace\", or \"content\", or \"delete\": true";
            if (!result.StartsWith("OK", StringComparison.Ordinal))
                failures.Add($"edits[{i}] ('{path}'): {result.Replace(EditResults.Failed, "").Trim()}");
        }

        if (failures.Count > 0)
            return (null, $"{all.Count - failures.Count} of {all.Count} edits were applied and these were not: {string.Join(" ", failures)} Send only the edits still to make");
        if (context.Workspace.Written.Count == 0)
            return (null, "no file has been changed yet, so the change is empty; make the change with the tools or give its edits");
        return (JsonAnswer.String(json, "summary") ?? "", null);
    }
}
