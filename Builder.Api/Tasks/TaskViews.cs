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
