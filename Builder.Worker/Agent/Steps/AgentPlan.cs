using Builder.Core.Domain;

namespace Builder.Worker.Agent.Steps;

/// <summary>The plan the model proposed, validated: what to do, where, which tests prove it, and what could go wrong.</summary>
public sealed record AgentPlan(string Summary, IReadOnlyList<string> Steps, IReadOnlyList<PlannedFile> Files, IReadOnlyList<PlannedTest> Tests, IReadOnlyList<string> Risks);

/// <summary>A self-review finding of the change.</summary>
public sealed record ReviewFinding(string Severity, string? File, string Message);

public sealed record ReviewResult(string Verdict, IReadOnlyList<ReviewFinding> Findings)
{
    public bool HasGap => Verdict == "gap";
}

/// <summary>What the Generate step produced: the model's summary of its change and the reviews of it.</summary>
public sealed record GenerationResult(string Summary, IReadOnlyList<ReviewResult> Reviews);
