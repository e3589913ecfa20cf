using System.ComponentModel;
using System.Security.Claims;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Core.Persistence;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Builder.Api.Mcp;

// Parameter names are the tools' argument names, so they are snake_case like the tool names.

/// <summary>Repositories and feature runs: submit, read, list, follow. Each tool runs the HTTP endpoint's handler.</summary>
[McpServerToolType]
public sealed class FeatureTools(BuilderDbContext db, FeatureSubmitter submitter, FeatureEventLog events, IOptions<JsonOptions> json)
{
    [McpServerTool(Name = "list_repositories", Title = "List repositories", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Lists the git repositories registered in your tenant. Call this first to find the repository_id that submit_feature and create_task need. " +
                 "Returns a JSON array of {id, name, url, defaultBranch, hasCredentials, settings, createdAt}. Needs scope features:read.")]
    public Task<CallToolResult> ListRepositories(ClaimsPrincipal user, CancellationToken cancellationToken) =>
        new ApiCall(user, json).RunAsync([ApiScopes.FeaturesRead], http => RepositoriesApi.ListRepositories(http, db, cancellationToken));

    [McpServerTool(Name = "submit_feature", Title = "Submit a feature run", Destructive = false, OpenWorld = true)]
    [Description("Starts a feature run on a registered repository: Builder applies your draft (the complete new content of each changed file), " +
                 "builds and tests it in a sandbox, verifies it (tests must prove the change unless tests_required is false), and delivers it as a " +
                 "branch (and pull request) against target_branch. Returns {id, status: \"Requested\", statusUrl}. The run is asynchronous: " +
                 "poll get_feature with the returned id until status is Completed, Failed, Cancelled, Rejected or RolledBack; when status is " +
                 "AwaitingApproval call approve, reject or revise. For work you want to check before it runs, use create_task, upload_draft and " +
                 "dry_run instead. Needs scope features:write.")]
    public Task<CallToolResult> SubmitFeature(
        ClaimsPrincipal user,
        [Description("The repository's id (UUID) from list_repositories.")] Guid repository_id,
        [Description("A short summary of the change (at most 300 characters); it names the branch, e.g. \"Add a monthly sales report\".")] string title,
        [Description("What the change does and why (may be empty, at most 20000 characters); it becomes the pull request's body.")] string description,
        [Description("The change: every file to add, replace or delete, each with its complete new content. Required unless the server has a model configured to write the change.")]
        IReadOnlyList<McpDraftFile>? draft_files = null,
        [Description("Where the run stops for a decision: auto (no gates, the default), checkpoints (after plan and before delivery) or final (only before delivery).")]
        ApprovalMode? approval_mode = null,
        [Description("The branch the change is based on and proposed for; default: the repository's default branch.")] string? target_branch = null,
        [Description("Default true: the run fails unless a test fails without the change and passes with it. Pass false for changes that need no test (docs, configuration).")]
        bool? tests_required = null,
        [Description("Any unique string: submitting again with the same key and the same arguments returns the same run instead of starting another.")]
        string? idempotency_key = null,
        CancellationToken cancellationToken = default)
    {
        var request = new SubmitFeatureRequest(repository_id, title, description, target_branch, approval_mode,
            draft_files is null ? null : new DraftRequest(draft_files.Select(f => new DraftFileRequest(f.Path, f.Mode, f.Content)).ToList()), tests_required);
        return new ApiCall(user, json).RunAsync([ApiScopes.FeaturesWrite],
            http => FeaturesApi.SubmitFeature(request, http, idempotency_key, submitter, cancellationToken));
    }

    [McpServerTool(Name = "get_feature", Title = "Get a feature run", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Returns one run: status (Requested, Running, AwaitingApproval, Completed, Failed, Cancelled, Rejected, RolledBack), currentPhase, " +
                 "gate (plan or release while AwaitingApproval), progressPercent, phases (plan, generate, build, verify, deliver, deploy, healthcheck, " +
                 "each pending, queued, running, done, skipped, failed, awaiting_approval or cancelled, with durations and reasons), branch and commitSha " +
                 "once delivered, error {code, phase, message, retryable} when it failed, and the draft's files. Poll it every few seconds to follow a run; " +
                 "read get_feature_events for logs. Needs scope features:read.")]
    public Task<CallToolResult> GetFeature(
        ClaimsPrincipal user,
        [Description("The run's id (UUID), as submit_feature, apply_task or list_features returned it.")] Guid feature_id,
        CancellationToken cancellationToken = default) =>
        new ApiCall(user, json).RunAsync([ApiScopes.FeaturesRead], http => FeaturesApi.GetFeature(feature_id, http, db, cancellationToken));

    [McpServerTool(Name = "list_features", Title = "List feature runs", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Lists your tenant's runs, newest first, optionally only those with one status or on one repository. Returns " +
                 "{items: [{id, title, repositoryId, repositoryName, status, currentPhase, gate, progressPercent, approvalMode, requestedBy, createdAt, updatedAt}], " +
                 "page, pageSize, total}. Use status AwaitingApproval to find runs waiting for you. Needs scope features:read.")]
    public Task<CallToolResult> ListFeatures(
        ClaimsPrincipal user,
        [Description("Only runs with this status.")] RunStatus? status = null,
        [Description("Only runs on this repository (UUID from list_repositories).")] Guid? repository_id = null,
        [Description("Page number, from 1 (default 1).")] int? page = null,
        [Description("Runs per page, 1 to 200 (default 50).")] int? page_size = null,
        CancellationToken cancellationToken = default) =>
        new ApiCall(user, json).RunAsync([ApiScopes.FeaturesRead],
            http => FeaturesApi.ListFeatures(http, db, status is null ? null : StatusName(status.Value), repository_id, page, page_size, archived: null, cancellationToken));

    [McpServerTool(Name = "get_feature_events", Title = "Get a run's events", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Returns a run's events in order, after a sequence number: a JSON array of {sequence, type, phase, timestamp, payload, producer}. " +
                 "Types include feature.requested, phase.started, phase.completed, phase.failed, log (payload.lines: build and test output), " +
                 "approval.requested, build.completed, tests.completed, verification.passed/failed, push.completed, pull_request.opened, " +
                 "feature.completed and feature.failed (payload.message says why). To read only what is new, pass the last sequence you saw as 'after'. " +
                 "Needs scope features:read.")]
    public Task<CallToolResult> GetFeatureEvents(
        ClaimsPrincipal user,
        [Description("The run's id (UUID).")] Guid feature_id,
        [Description("Return events with a sequence number greater than this (default 0: from the start).")] long? after = null,
        [Description("At most this many events, 1 to 5000 (default 200).")] int? limit = null,
        CancellationToken cancellationToken = default) =>
        new ApiCall(user, json).RunAsync([ApiScopes.FeaturesRead],
            http => FeaturesApi.GetEvents(feature_id, http, db, events, after, limit ?? 200, cancellationToken));

    static string StatusName(RunStatus status) => status.ToString();
}
