using Builder.Core.Domain;

namespace Builder.Core.Contracts;

/// <summary>
/// Asks a worker what applying a task's draft would change. The Api answers the caller with the
/// reply; the worker owns the clone, the toolchain detection and the file checks.
/// </summary>
public sealed record DryRunTask(Guid TaskId, Guid RepositoryId);

public sealed record TaskDryRunCompleted(DryRunResult Result);

/// <summary>The branch could not be read: the caller gets a 409 with this title and detail.</summary>
public sealed record TaskDryRunRefused(string Title, string Detail);

/// <summary>One check of one file in a dry run.</summary>
public sealed record FileCheck(string Rule, bool Passed, string? Reason);

public sealed record FileVerdict(string Path, DraftFileMode Mode, bool Allowed, IReadOnlyList<FileCheck> Checks);

/// <summary>A null command is a step with nothing to do; only Restore may use the network.</summary>
public sealed record CommandPreview(string Toolchain, string? Restore, string? Build, string? Test, string Source);

/// <summary>What applying the task would do, computed in a throw-away clone: nothing is stored or pushed.</summary>
public sealed record DryRunResult(
    Guid TaskId, string TargetBranch, string BaseCommit, bool WouldApply, IReadOnlyList<FileVerdict> Files, string Diff, bool DiffTruncated,
    IReadOnlyList<string> ChangedFiles, CommandPreview Commands);
