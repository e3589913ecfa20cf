using System.ComponentModel;
using System.Security.Claims;
using Builder.Api.Tasks;
using Builder.Core;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using MassTransit;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Builder.Api.Mcp;

// Parameter names are the tools' argument names, so they are snake_case like the tool names.

/// <summary>The Builder API for agents: a scoped task, its draft, a dry run, then a run. Each tool runs the HTTP endpoint's handler.</summary>
[McpServerToolType]
public sealed class TaskTools(BuilderDbContext db, FeatureSubmitter submitter, IRequestClient<DryRunTask> dryRun, IOptions<BuilderOptions> options, IOptions<JsonOptions> json)
{
    [McpServerTool(Name = "create_task", Title = "Create a task", Destructive = false, Idempotent = false, OpenWorld = false)]
    [Description("Creates a task: a change you prepare on a repository before it runs, limited to a scope of paths. Next, upload the changed files " +
                 "with upload_draft (as often as you like), check them with dry_run, then start the run with apply_task. Returns the task " +
                 "{id, repositoryId, title, scope, status: \"open\", files, ...}; keep its id. Needs scope drafts:write.")]
    public Task<CallToolResult> CreateTask(
        ClaimsPrincipal user,
        [Description("The repository's id (UUID) from list_repositories.")] Guid repository_id,
        [Description("A short summary of the change (at most 300 characters).")] string title,
        [Description("The paths or globs the task may change, e.g. [\"src/reports/**\", \"README.md\"]; a bare folder means everything below it. " +
                     "An upload outside the scope is refused.")]
        IReadOnlyList<string> scope,
        [Description("What the change does and why (at most 20000 characters).")] string? description = null,
        [Description("Your plan for the change, free text (at most 50000 characters); it travels into the run's description.")] string? plan = null,
        [Description("The branch to base the change on and propose it for; default: the repository's default branch.")] string? target_branch = null,
        CancellationToken cancellationToken = default) =>
        new ApiCall(user, json).RunAsync([ApiScopes.DraftsWrite],
            http => TasksApi.CreateTask(new CreateTaskRequest(repository_id, title, description, scope, plan, target_branch), http, db, cancellationToken));

    [McpServerTool(Name = "upload_draft", Title = "Upload draft files to a task", Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Adds files to a task's draft. Uploads accumulate; uploading a path again replaces its earlier version. Every file must be inside " +
                 "the task's scope and the repository's policy (allowed paths, size, no secrets): if any file is refused, the error names each " +
                 "file and reason and nothing of this upload is kept. Returns the task with its files {path, mode, bytes}. Then call dry_run. " +
                 "Needs scope drafts:write.")]
    public Task<CallToolResult> UploadDraft(
        ClaimsPrincipal user,
        [Description("The task's id (UUID) from create_task.")] Guid task_id,
        [Description("The files, each with its complete new content (not a patch).")] IReadOnlyList<McpDraftFile> files,
        CancellationToken cancellationToken = default)
    {
        IReadOnlyList<DraftUploadFile?> upload = files.Select(f => (DraftUploadFile?)new DraftUploadFile(f?.Path, f?.Mode, f?.Content)).ToList();
        return new ApiCall(user, json).RunAsync([ApiScopes.DraftsWrite],
            http => TasksApi.UploadDrafts(task_id, upload, http, db, options, cancellationToken));
    }

    [McpServerTool(Name = "dry_run", Title = "Dry-run a task", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = true)]
    [Description("Shows what applying the task would do, changing nothing: the unified diff of its draft against the current head of the target " +
                 "branch, each file's verdict (checks: path, scope, allowed_paths, file_size, secret, mode — a failed check has a reason) and the " +
                 "restore, build and test commands the run would use. Returns {wouldApply, baseCommit, files: [{path, mode, allowed, checks}], diff, " +
                 "diffTruncated, changedFiles, commands}. If wouldApply is false, fix the refused files with upload_draft; otherwise call apply_task. " +
                 "Needs scope drafts:write.")]
    public Task<CallToolResult> DryRun(
        ClaimsPrincipal user,
        [Description("The task's id (UUID).")] Guid task_id,
        CancellationToken cancellationToken = default) =>
        new ApiCall(user, json).RunAsync([ApiScopes.DraftsWrite], http => TasksApi.DryRun(task_id, http, db, dryRun, cancellationToken));

    [McpServerTool(Name = "apply_task", Title = "Apply a task: start its run", Destructive = false, Idempotent = true, OpenWorld = true)]
    [Description("Starts a feature run with the task's draft (build, verify, deliver; with the approval gates you choose). The task is then frozen; " +
                 "applying it again with the same options returns the same run. Returns {id, status: \"Requested\", statusUrl}: poll get_feature " +
                 "with that id until the run ends, approving it when it is AwaitingApproval. Needs scopes drafts:write and features:write.")]
    public Task<CallToolResult> ApplyTask(
        ClaimsPrincipal user,
        [Description("The task's id (UUID).")] Guid task_id,
        [Description("Where the run stops for a decision: auto (no gates, the default), checkpoints (after plan and before delivery) or final (only before delivery).")]
        ApprovalMode? approval_mode = null,
        [Description("Default true: the run fails unless a test fails without the change and passes with it. Pass false for changes that need no test.")]
        bool? tests_required = null,
        CancellationToken cancellationToken = default) =>
        new ApiCall(user, json).RunAsync([ApiScopes.DraftsWrite, ApiScopes.FeaturesWrite],
            http => TasksApi.Apply(task_id, new ApplyTaskRequest(approval_mode, tests_required), http, db, submitter, cancellationToken));
}
