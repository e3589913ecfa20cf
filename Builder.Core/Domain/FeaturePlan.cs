namespace Builder.Core.Domain;

/// <summary>
/// What a run will change and how it will be built and tested: stored by Plan, shown at the
/// checkpoints gate, followed by Builder's agent and quoted by Deliver in the pull request.
/// </summary>
public sealed record FeaturePlan(
    string Summary,
    string BaseCommit,
    string TargetBranch,
    string Toolchain,
    string? RestoreCommand,
    string? BuildCommand,
    string? TestCommand,
    string CommandSource,
    string Author,
    IReadOnlyList<PlannedFile> Files,
    string? RevisionNotes,
    IReadOnlyList<string>? Steps = null,
    IReadOnlyList<PlannedTest>? Tests = null,
    IReadOnlyList<string>? Risks = null);

/// <summary>A file the change touches; Mode is add, replace or delete for a draft, add, modify or delete for the agent's plan.</summary>
public sealed record PlannedFile(string Path, string Mode, string? Why = null);

/// <summary>A test the agent's plan adds, and what it proves.</summary>
public sealed record PlannedTest(string Path, string Description);
