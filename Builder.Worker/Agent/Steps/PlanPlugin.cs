using System.ComponentModel;
using System.Text.Json;
using Builder.Core.Domain;
using Builder.Core.Policy;
using Builder.Worker.Agent.Llm;
using Builder.Worker.Agent.Prompts;
using Builder.Worker.Agent.RepoMap;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Builder.Worker.Agent.Steps;

/// <summary>
/// Plan: the model explores the repository with the read-only tools and proposes a plan; the plan is
/// validated (paths allowed and consistent with the repository, at least one step, one file and —
/// unless the request needs none — one test) and a rejected plan goes back with every problem named.
/// </summary>
public sealed class PlanPlugin
{
    [KernelFunction("create_plan"), Description("Plans the requested change: steps, files to touch, tests to add and risks.")]
    public async Task<AgentPlan> CreatePlanAsync(AgentStep step, RepositoryAnalysis analysis, IReadOnlyList<RankedFile> ranked, int totalFiles, string? revisionNotes)
    {
        var context = step.Context;
        var tools = ToolSets.From(step.Kernel, ToolSets.ReadPlugins);
        var prompt = Prompt(context, analysis, revisionNotes, "{map}");

        // The map gets what the request's budget leaves after everything else, with a margin for the
        // request's JSON framing, so the first request stays within Builder:Llm:PlanPromptTokens.
        var fixedTokens = TokenEstimate.OfText(AgentPrompts.Planner) + TokenEstimate.OfText(prompt) + ToolSets.Tokens(tools) + 200;
        var mapBudget = Math.Max(200, (int)((context.Options.PlanPromptTokens - fixedTokens) * 0.85));
        var map = RepoMapBuilder.Render(ranked, totalFiles, mapBudget);

        var history = new ChatHistory(AgentPrompts.Planner);
        history.AddUserMessage(prompt.Replace("{map}", Fence.Data("repository map", map.Text)));
        return await step.ConverseAsync("plan", history, tools, text => Task.FromResult(Parse(text, context)), AgentPrompts.PlanFormat);
    }

    static string Prompt(AgentContext context, RepositoryAnalysis analysis, string? revisionNotes, string map) => $"""
        The request:
        {context.Request}
        {(string.IsNullOrWhiteSpace(revisionNotes) ? "" : $"\nA reviewer sent the previous plan back with these notes:\n{revisionNotes.Trim()}\n")}
        {(context.Feature.TestsRequired ? "The change must come with a test that fails without it and passes with it." : "The requester says this change needs no test.")}

        What Builder found in the repository:
        {Fence.Data("analysis", JsonSerializer.Serialize(analysis, AgentJson.Options))}

        The repository map (files ranked for this request, with their declarations):
        {map}
        """;

    public static (AgentPlan? Plan, string? Problem) Parse(string? text, AgentContext context)
    {
        var (json, problem) = JsonAnswer.Parse(text);
        if (problem is not null)
            return (null, problem);

        var problems = new List<string>();
        var summary = JsonAnswer.String(json, "summary")?.Trim();
        if (string.IsNullOrEmpty(summary))
            problems.Add("\"summary\" is missing");
        var steps = JsonAnswer.Array(json, "steps").Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString()!.Trim()).Where(s => s.Length > 0).ToList();
        if (steps.Count == 0)
            problems.Add("\"steps\" must list at least one step");

        var files = new List<PlannedFile>();
        var index = 0;
        foreach (var file in JsonAnswer.Array(json, "files"))
        {
            var path = JsonAnswer.String(file, "path")?.Trim() ?? "";
            var action = (JsonAnswer.String(file, "action") ?? JsonAnswer.String(file, "mode") ?? "").Trim().ToLowerInvariant();
            var field = $"files[{index++}]";
            if (DraftPaths.Problem(path) is { } pathProblem)
                problems.Add($"{field}.path '{path}' is refused: {pathProblem}");
            else if (!ChangePolicy.IsAllowed(path, context.Repository.Settings.AllowedPaths))
                problems.Add($"{field}.path '{path}' is outside the repository's allowed paths ({string.Join(", ", context.Repository.Settings.AllowedPaths!)})");
            else if (action is not ("add" or "modify" or "delete"))
                problems.Add($"{field}.action must be add, modify or delete, not '{action}'");
            else if (action == "add" && context.Workspace.Exists(path))
                problems.Add($"{field}: '{path}' already exists; use action 'modify'");
            else if (action != "add" && !context.Workspace.Exists(path))
                problems.Add($"{field}: '{path}' does not exist; use action 'add' to create it");
            else
                files.Add(new PlannedFile(path, action, JsonAnswer.String(file, "why")));
        }

        if (files.Count == 0 && !JsonAnswer.Array(json, "files").Any())
            problems.Add("\"files\" must list at least one file to touch");

        var tests = JsonAnswer.Array(json, "tests")
            .Select(t => new PlannedTest(JsonAnswer.String(t, "path")?.Trim() ?? "", JsonAnswer.String(t, "description")?.Trim() ?? ""))
            .Where(t => t.Path.Length > 0)
            .ToList();
        if (tests.Count == 0 && context.Feature.TestsRequired)
            problems.Add("\"tests\" must name at least one test (path and description) that fails without the change and passes with it");
        var risks = JsonAnswer.Array(json, "risks").Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!).ToList();

        return problems.Count > 0 ? (null, "the plan is not valid: " + string.Join("; ", problems)) : (new AgentPlan(summary!, steps, files, tests, risks), null);
    }
}

public static class AgentJson
{
    public static readonly JsonSerializerOptions Options = new(Core.Events.FeatureEventLog.Json) { WriteIndented = false };
}
