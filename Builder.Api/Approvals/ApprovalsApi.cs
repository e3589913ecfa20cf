using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Core.Persistence;
using Builder.Core.StateMachines;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Approvals;

/// <summary>What a person or agent can do to a run: approve, reject or revise it at a gate, or cancel it.</summary>
public static class ApprovalsApi
{
    public static RouteGroupBuilder MapApprovalsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/features/{id:guid}").WithTags("Approvals");
        api.MapPost("/approve", Approve).RequireAuthorization(ApiScopes.ApprovalsWrite)
            .WithSummary("Open the gate the run waits at (plan or release).");
        api.MapPost("/reject", Reject).RequireAuthorization(ApiScopes.ApprovalsWrite)
            .WithSummary("End a run waiting at a gate as Rejected.");
        api.MapPost("/revise", Revise).RequireAuthorization(ApiScopes.ApprovalsWrite)
            .WithSummary("Send a run waiting at a gate back to Plan with notes.");
        api.MapPost("/cancel", Cancel).RequireAuthorization(ApiScopes.FeaturesWrite)
            .WithSummary("Cancel a run at any point; its running processes are killed.");
        api.MapPost("/retry", Retry).RequireAuthorization(ApiScopes.FeaturesWrite)
            .WithSummary("Run an ended feature again from Plan, on the same branch (its pull request is updated, not duplicated).");
        return api;
    }

    public static Task<Results<Accepted<ActionAccepted>, ProblemHttpResult, ValidationProblem>> Approve(
        Guid id, HttpContext http, BuilderDbContext db, IPublishEndpoint publisher, CancellationToken cancellationToken) =>
        AtGate(id, http, db, "approved", cancellationToken, state => publisher.Publish(new FeatureApproved(id, http.User.Actor()), cancellationToken));

    public static async Task<Results<Accepted<ActionAccepted>, ProblemHttpResult, ValidationProblem>> Reject(
        Guid id, RejectRequest? request, HttpContext http, BuilderDbContext db, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        var validation = Reason("reason", request?.Reason).Text("notes", request?.Notes);
        if (!validation.IsValid)
            return validation.Problem();
        return await AtGate(id, http, db, "rejected", cancellationToken,
            state => publisher.Publish(new FeatureRejected(id, http.User.Actor(), request?.Reason ?? request?.Notes), cancellationToken));
    }

    public static async Task<Results<Accepted<ActionAccepted>, ProblemHttpResult, ValidationProblem>> Revise(
        Guid id, ReviseRequest? request, HttpContext http, BuilderDbContext db, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        var validation = new Validation();
        validation.Require("notes", request?.Notes, 20_000);
        validation.Text("notes", request?.Notes);
        if (!validation.IsValid)
            return validation.Problem();
        return await AtGate(id, http, db, "revised", cancellationToken,
            state => publisher.Publish(new FeatureRevisionRequested(id, http.User.Actor(), request!.Notes!.Trim()), cancellationToken));
    }

    public static async Task<Results<Accepted<ActionAccepted>, ProblemHttpResult, ValidationProblem>> Cancel(
        Guid id, CancelRequest? request, HttpContext http, BuilderDbContext db, FeatureEventLog events, IPublishEndpoint publisher,
        CancellationToken cancellationToken)
    {
        var validation = Reason("reason", request?.Reason);
        if (!validation.IsValid)
            return validation.Problem();
        var (found, state) = await LoadAsync(id, http, db, cancellationToken);
        if (!found)
            return FeaturesApi.NotFound(id);
        if (state is null)
            return Conflict("The run has not started yet; try again in a moment.");
        if (FeatureStatus.IsTerminal(state.CurrentState))
            return Conflict($"The feature is {FeatureStatus.Of(state.CurrentState)}; only a run that has not ended can be cancelled.");

        await events.AppendAsync(id, state.TenantId, EventTypes.CancellationRequested, $"{EventTypes.CancellationRequested}:{Guid.NewGuid():N}",
            new { by = http.User.Actor(), reason = request?.Reason }, state.Phase, cancellationToken: cancellationToken);
        await publisher.Publish(new FeatureCancellationRequested(id, http.User.Actor(), request?.Reason), cancellationToken);
        await AuditLog.RecordAsync(db, http.User, "feature.cancelled", $"feature/{id}", new { reason = request?.Reason }, cancellationToken);
        return TypedResults.Accepted($"/api/features/{id}", new ActionAccepted(id, "cancellation requested", FeatureStatus.Of(state.CurrentState)));
    }

    public static async Task<Results<Accepted<ActionAccepted>, ProblemHttpResult, ValidationProblem>> Retry(
        Guid id, HttpContext http, BuilderDbContext db, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        var (found, state) = await LoadAsync(id, http, db, cancellationToken);
        if (!found)
            return FeaturesApi.NotFound(id);
        if (state is null || !FeatureStatus.IsTerminal(state.CurrentState))
            return Conflict($"The feature is {FeatureStatus.Of(state?.CurrentState)}; only a run that has ended can be retried.");

        await publisher.Publish(new FeatureRetryRequested(id, http.User.Actor()), cancellationToken);
        await AuditLog.RecordAsync(db, http.User, "feature.retried", $"feature/{id}", null, cancellationToken);
        return TypedResults.Accepted($"/api/features/{id}", new ActionAccepted(id, "retry requested", FeatureStatus.Of(state.CurrentState)));
    }

    static async Task<Results<Accepted<ActionAccepted>, ProblemHttpResult, ValidationProblem>> AtGate(
        Guid id, HttpContext http, BuilderDbContext db, string action, CancellationToken cancellationToken, Func<FeatureState, Task> act)
    {
        var (found, state) = await LoadAsync(id, http, db, cancellationToken);
        if (!found)
            return FeaturesApi.NotFound(id);
        if (state is null || !FeatureStatus.IsGate(state.CurrentState))
        {
            var where = state is null ? "Requested" : $"{FeatureStatus.Of(state.CurrentState)}{(state.Phase is null ? "" : $" (phase {state.Phase})")}";
            return Conflict($"The feature is {where}; only a feature awaiting approval can be {action}.");
        }

        await act(state);
        await AuditLog.RecordAsync(db, http.User, $"feature.{action}", $"feature/{id}", new { gate = state.Gate }, cancellationToken);
        return TypedResults.Accepted($"/api/features/{id}", new ActionAccepted(id, action, FeatureStatus.AwaitingApproval));
    }

    static async Task<(bool Found, FeatureState? State)> LoadAsync(Guid id, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        if (!await db.Features.OfTenant(tenantId, id).AnyAsync(cancellationToken))
            return (false, null);
        return (true, await db.FeatureStates.AsNoTracking().FirstOrDefaultAsync(s => s.CorrelationId == id, cancellationToken));
    }

    /// <summary>A reason is optional free text that is recorded in the run's events.</summary>
    static Validation Reason(string field, string? reason)
    {
        var validation = new Validation().Text(field, reason);
        if (reason is { Length: > 20_000 })
            validation.Add(field, $"{field} is {reason.Length} characters long; the limit is 20000.");
        return validation;
    }

    static ProblemHttpResult Conflict(string detail) =>
        Problems.Conflict("Not allowed in the current state", detail);
}

public sealed record RejectRequest(string? Reason, string? Notes);

public sealed record ReviseRequest(string? Notes);

public sealed record CancelRequest(string? Reason);

public sealed record ActionAccepted(Guid Id, string Action, string StatusBefore);
