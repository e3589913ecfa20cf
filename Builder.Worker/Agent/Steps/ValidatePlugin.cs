using System.ComponentModel;
using System.Text.Json;
using Builder.Worker.Agent.Prompts;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Builder.Worker.Agent.Steps;

/// <summary>
/// Validate: a self-review of the change against the request and the plan, with no tools — the
/// reviewer sees exactly the diff that will be built. Its findings are recorded; a gap earns one
/// more round of Generate (see GeneratePlugin).
/// </summary>
public sealed class ValidatePlugin
{
    const int MaxDiffChars = 120_000;

    [KernelFunction("review_change"), Description("Reviews a change (a unified diff) against the request and the plan; answers complete or gap with findings.")]
    public async Task<ReviewResult> ReviewAsync(AgentStep step, AgentPlan plan, string diff, int round)
    {
        var shown = diff.Length > MaxDiffChars ? diff[..MaxDiffChars] + "\n… (diff cut here)" : diff;
        var history = new ChatHistory(AgentPrompts.Reviewer);
        history.AddUserMessage($"""
            The request:
            {step.Context.Request}

            The plan:
            {JsonSerializer.Serialize(plan, AgentJson.Options)}

            The change:
            {Fence.Data("change.diff", shown)}
            """);
        var review = await step.ConverseAsync("validate", history, [], text => Task.FromResult(Parse(text)), AgentPrompts.ReviewFormat);
        await step.Context.Recorder.EventAsync(AgentEvents.Validated, new { session = step.Session, round, verdict = review.Verdict, findings = review.Findings }, $"{step.Session}:{round}");
        return review;
    }

    public static (ReviewResult? Review, string? Problem) Parse(string? text)
    {
        var (json, problem) = JsonAnswer.Parse(text);
        if (problem is not null)
            return (null, problem);
        var verdict = JsonAnswer.String(json, "verdict")?.Trim().ToLowerInvariant();
        if (verdict is not ("complete" or "gap"))
            return (null, "\"verdict\" must be \"complete\" or \"gap\"");
        var findings = JsonAnswer.Array(json, "findings")
            .Select(f => new ReviewFinding(JsonAnswer.String(f, "severity") ?? "info", JsonAnswer.String(f, "file"), JsonAnswer.String(f, "message") ?? ""))
            .Where(f => f.Message.Length > 0)
            .ToList();
        if (verdict == "gap" && findings.Count == 0)
            return (null, "a \"gap\" verdict must name the gap in \"findings\"");
        return (new ReviewResult(verdict, findings), null);
    }
}
