using System.ComponentModel;
using System.Security.Claims;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Core.Persistence;
using MassTransit;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Builder.Api.Mcp;

// Parameter names are the tools' argument names, so they are snake_case like the tool names.

/// <summary>Decisions on a run: at its gate (approve, reject, revise) or at any time (cancel, retry). Each tool runs the HTTP endpoint's handler.</summary>
[McpServerToolType]
public sealed class ApprovalTools(BuilderDbContext db, IPublishEndpoint publisher, FeatureEventLog events, IOptions<JsonOptions> json)
{
    const string AtGate = "Only a run whose status is AwaitingApproval can be decided (get_feature shows its status and gate: plan or release). ";

    [McpServerTool(Name = "approve", Title = "Approve a run at its gate", Destructive = false, Idempotent = false, OpenWorld = true)]
    [Description("Opens the gate a run waits at: after the plan gate the run generates, builds and verifies the change; after the release gate it " +
                 "delivers it (pushes the branch, opens the pull request). " + AtGate +
                 "Returns {id, action: \"approved\", statusBefore}; the run continues asynchronously, so poll get_feature. Needs scope approvals:write.")]
    public Task<CallToolResult> Approve(
        ClaimsPrincipal user,
        [Description("The run's id (UUID).")] Guid feature_id,
        CancellationToken cancellationToken = default) =>
        new ApiCall(user, json).RunAsync([ApiScopes.ApprovalsWrite], http => ApprovalsApi.Approve(feature_id, http, db, publisher, cancellationToken));

    [McpServerTool(Name = "reject", Title = "Reject a run at its gate", Destructive = true, Idempotent = false, OpenWorld = false)]
    [Description("Ends a run waiting at a gate with status Rejected; nothing is delivered. " + AtGate +
                 "To ask for changes instead, use revise. Returns {id, action: \"rejected\", statusBefore}. Needs scope approvals:write.")]
    public Task<CallToolResult> Reject(
        ClaimsPrincipal user,
        [Description("The run's id (UUID).")] Guid feature_id,
        [Description("Why it is rejected; recorded in the run's events.")] string? reason = null,
        CancellationToken cancellationToken = default) =>
        new ApiCall(user, json).RunAsync([ApiScopes.ApprovalsWrite],
            http => ApprovalsApi.Reject(feature_id, new RejectRequest(reason, null), http, db, publisher, cancellationToken));

    [McpServerTool(Name = "revise", Title = "Send a run back to Plan with notes", Destructive = false, Idempotent = false, OpenWorld = true)]
    [Description("Sends a run waiting at a gate back to its plan phase with your notes, starting a new attempt that takes them into account. " + AtGate +
                 "Returns {id, action: \"revised\", statusBefore}. Needs scope approvals:write.")]
    public Task<CallToolResult> Revise(
        ClaimsPrincipal user,
        [Description("The run's id (UUID).")] Guid feature_id,
        [Description("What to change, in plain words (required, at most 20000 characters).")] string notes,
        CancellationToken cancellationToken = default) =>
        new ApiCall(user, json).RunAsync([ApiScopes.ApprovalsWrite],
            http => ApprovalsApi.Revise(feature_id, new ReviseRequest(notes), http, db, publisher, cancellationToken));

    [McpServerTool(Name = "cancel", Title = "Cancel a run", Destructive = true, Idempotent = false, OpenWorld = false)]
    [Description("Cancels a run that has not ended, in any phase or at a gate; its running build and test processes are killed and its status " +
                 "becomes Cancelled. A run that already ended (Completed, Failed, Cancelled, Rejected, RolledBack) cannot be cancelled. " +
                 "Returns {id, action: \"cancellation requested\", statusBefore}. Needs scope features:write.")]
    public Task<CallToolResult> Cancel(
        ClaimsPrincipal user,
        [Description("The run's id (UUID).")] Guid feature_id,
        [Description("Why it is cancelled; recorded in the run's events.")] string? reason = null,
        CancellationToken cancellationToken = default) =>
        new ApiCall(user, json).RunAsync([ApiScopes.FeaturesWrite],
            http => ApprovalsApi.Cancel(feature_id, new CancelRequest(reason), http, db, events, publisher, cancellationToken));

    [McpServerTool(Name = "retry", Title = "Retry an ended run", Destructive = false, Idempotent = false, OpenWorld = true)]
    [Description("Runs an ended run (Failed, Cancelled, Rejected, RolledBack or Completed) again from its plan phase with the same request, on the same " +
                 "branch: an open pull request is updated, not duplicated. Useful when get_feature shows error.retryable true. " +
                 "Returns {id, action: \"retry requested\", statusBefore}. Needs scope features:write.")]
    public Task<CallToolResult> Retry(
        ClaimsPrincipal user,
        [Description("The run's id (UUID).")] Guid feature_id,
        CancellationToken cancellationToken = default) =>
        new ApiCall(user, json).RunAsync([ApiScopes.FeaturesWrite], http => ApprovalsApi.Retry(feature_id, http, db, publisher, cancellationToken));
}
