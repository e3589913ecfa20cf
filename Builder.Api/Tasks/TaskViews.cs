using Builder.Core.Domain;

namespace Builder.Api.Tasks;

public sealed record CreateTaskRequest(Guid? RepositoryId, string? Title, string? Description, IReadOnlyList<string>? Scope, string? Plan, string? TargetBranch);

public sealed record DraftUploadFile(string? Path, DraftFileMode? Mode, string? Content);

public sealed record ApplyTaskRequest(ApprovalMode? ApprovalMode, bool? TestsRequired);

public sealed record TaskFileView(string Path, DraftFileMode Mode, int Bytes);

/// <summary>A task as the API shows it: its scope, its accumulated draft (sizes, not contents) and, once applied, its feature.</summary>
public sealed record TaskView(
    Guid Id, Guid RepositoryId, string Title, string? Description, IReadOnlyList<string> Scope, string? Plan, string? TargetBranch,
    string Status, Guid? FeatureId, string? FeatureUrl, IReadOnlyList<TaskFileView> Files, string CreatedBy, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static TaskView From(BuilderTask t) => new(
        t.Id, t.RepositoryId, t.Title, t.Description, t.Scope, t.Plan, t.TargetBranch, t.FeatureId is null ? "open" : "applied", t.FeatureId,
        t.FeatureId is { } id ? $"/api/features/{id}" : null,
        t.Draft.Select(f => new TaskFileView(f.Path, f.Mode, System.Text.Encoding.UTF8.GetByteCount(f.Content ?? ""))).ToList(),
        t.CreatedBy, t.CreatedAt, t.UpdatedAt);
}

/// <summary>One check of one file in a dry run.</summary>
public sealed record FileCheck(string Rule, bool Passed, string? Reason);

public sealed record FileVerdict(string Path, DraftFileMode Mode, bool Allowed, IReadOnlyList<FileCheck> Checks);

/// <summary>A null command is a step with nothing to do; only Restore may use the network.</summary>
public sealed record CommandPreview(string Toolchain, string? Restore, string? Build, string? Test, string Source);

/// <summary>What applying the task would do, computed in a throw-away clone: nothing is stored or pushed.</summary>
public sealed record DryRunResult(
    Guid TaskId, string TargetBranch, string BaseCommit, bool WouldApply, IReadOnlyList<FileVerdict> Files, string Diff, bool DiffTruncated,
    IReadOnlyList<string> ChangedFiles, CommandPreview Commands);
