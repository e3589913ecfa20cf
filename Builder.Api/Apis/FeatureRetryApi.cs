using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Core.Persistence;
using Builder.Core.StateMachines;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Apis;

/// <summary>
/// Submits an ended run again as a new feature with the same request (title, description, branch,
/// approval mode and draft): the way to retry a run that failed, was rejected or was cancelled.
/// </summary>
public static class FeatureRetryApi
{
    public static RouteHandlerBuilder MapFeatureRetryApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/features/{id:guid}/retry", Retry).RequireAuthorization(ApiScopes.FeaturesWrite).WithTags("Features")
            .WithSummary("Submit an ended run again as a new feature with the same request.");

    public static async Task<Results<Accepted<FeatureAccepted>, ProblemHttpResult>> Retry(
        Guid id, HttpContext http, BuilderDbContext db, FeatureEventLog events, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var original = await db.Features.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id && f.TenantId == tenantId, cancellationToken);
        if (original is null)
            return FeaturesApi.NotFound(id);
        var state = await db.FeatureStates.AsNoTracking().FirstOrDefaultAsync(s => s.CorrelationId == id, cancellationToken);
        if (!FeatureStatus.IsTerminal(state?.CurrentState) || state!.CurrentState == "Completed")
            return Problems.Conflict("Not allowed in the current state",
                $"The feature is {FeatureStatus.Of(state?.CurrentState)}; only a run that failed, was rejected, cancelled or rolled back can be retried.");

        var retry = new Feature
        {
            TenantId = tenantId,
            RepositoryId = original.RepositoryId,
            Title = original.Title,
            Description = original.Description,
            TargetBranch = original.TargetBranch,
            ApprovalMode = original.ApprovalMode,
            Draft = original.Draft,
            TestsRequired = original.TestsRequired,
            RequestedBy = http.User.Actor(),
        };
        db.Features.Add(retry);
        await db.SaveChangesAsync(cancellationToken);

        await events.AppendAsync(retry.Id, tenantId, EventTypes.FeatureRequested, EventTypes.FeatureRequested, new
        {
            title = retry.Title, repositoryId = retry.RepositoryId, targetBranch = retry.TargetBranch, approvalMode = retry.ApprovalMode,
            requestedBy = retry.RequestedBy, draftFiles = retry.Draft.Count, retryOf = original.Id,
        }, cancellationToken: cancellationToken);
        await publisher.Publish(new FeatureRequested(retry.Id, tenantId, retry.ApprovalMode, retry.RequestedBy, retry.Author), cancellationToken);

        var accepted = new FeatureAccepted(retry.Id, FeatureStatus.Requested, $"/api/features/{retry.Id}");
        return TypedResults.Accepted(accepted.StatusUrl, accepted);
    }
}
