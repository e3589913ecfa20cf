using System.Text.Json;
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

namespace Builder.Api.Reviews;

/// <summary>
/// Reviews between agents. A repository may require N approving reviews from agents other than the
/// run's author; the Nth one asks the saga to open the release gate (the saga still decides), and a
/// request for changes sends the run back to Plan with the comments as notes.
/// </summary>
public static class ReviewsApi
{
    public static RouteGroupBuilder MapReviewsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/features/{id:guid}/reviews").WithTags("Reviews");
        api.MapPost("/", SubmitReview).RequireAuthorization(ApiScopes.ApprovalsWrite).WithRequestSizeLimit(RequestLimits.Medium)
            .WithSummary("Review the verified change of a run waiting at the release gate: approve, or request-changes with comments (sent back as revision notes).");
        api.MapGet("/", ListReviews).RequireAuthorization(ApiScopes.FeaturesRead)
            .WithSummary("The run's reviews, and how many approvals of the current change count towards the repository's requirement.");
        return api;
    }

    public static async Task<Results<Created<ReviewSubmitted>, ValidationProblem, ProblemHttpResult>> SubmitReview(
        Guid id, SubmitReviewRequest request, HttpContext http, BuilderDbContext db, FeatureEventLog events, IPublishEndpoint publisher,
        CancellationToken cancellationToken)
    {
        var validation = new Validation();
        if (request.Verdict is null)
            validation.Add("verdict", "verdict is required: approve or request-changes.");
        if (request.Verdict is ReviewVerdict.RequestChanges)
            validation.Require("comments", request.Comments, 20_000);
        else if (request.Comments is { Length: > 20_000 })
            validation.Add("comments", $"comments is {request.Comments.Length} characters long; the limit is 20000.");
        validation.Text("comments", request.Comments);
        if (!validation.IsValid)
            return validation.Problem();

        var tenantId = http.User.TenantId();
        var feature = await db.Features.AsNoTracking().OfTenant(tenantId, id).FirstOrDefaultAsync(cancellationToken);
        if (feature is null)
            return FeaturesApi.NotFound(id);
        var state = await db.FeatureStates.AsNoTracking().FirstOrDefaultAsync(s => s.CorrelationId == id, cancellationToken);
        if (state is not { CurrentState: "AwaitingReleaseApproval" })
            return Problems.Conflict("Not allowed in the current state",
                $"The feature is {FeatureStatus.Of(state?.CurrentState)}{(state?.Gate is { } gate ? $" at the {gate} gate" : "")}; " +
                "reviews are taken while a run waits at the release gate with its verified change.");

        var review = new Review
        {
            TenantId = tenantId,
            FeatureId = id,
            Attempt = state.Attempt,
            Verdict = request.Verdict!.Value,
            Comments = request.Comments?.Trim(),
            Reviewer = http.User.Actor(),
            // Reviews are between agents, which sign in with keys; a person signed in through the identity provider has none.
            KeyId = http.User.KeyId() ?? Guid.Empty,
            AgentId = http.User.AgentId(),
        };
        db.Reviews.Add(review);
        await db.SaveChangesAsync(cancellationToken);

        var counts = ReviewRules.Counts(review, feature, state.Attempt);
        await events.AppendAsync(id, tenantId, ReviewEvents.Submitted, $"{ReviewEvents.Submitted}:{review.Id:N}", new
        {
            reviewId = review.Id, by = review.Reviewer, verdict = review.Verdict, comments = review.Comments, attempt = review.Attempt, counts,
            reason = counts || review.Verdict != ReviewVerdict.Approve ? null : ReviewRules.WhyNot(review, feature),
        }, state.Phase, cancellationToken: cancellationToken);

        var approvers = await ReviewRules.TallyAsync(db, feature, state.Attempt, cancellationToken);
        var opened = false;
        if (review.Verdict == ReviewVerdict.RequestChanges)
        {
            await publisher.Publish(new FeatureRevisionRequested(id, review.Reviewer, review.Comments!), cancellationToken);
        }
        else if (counts && feature.RequiredReviews > 0 && approvers.Count >= feature.RequiredReviews)
        {
            // Every reviewer that sees the quorum tries to record it; the event's key lets exactly one of them ask the saga.
            var quorum = await events.AppendAsync(id, tenantId, ReviewEvents.QuorumReached, $"{ReviewEvents.QuorumReached}:{state.Attempt}", new
            {
                reviewId = review.Id, required = feature.RequiredReviews, approvers, attempt = state.Attempt,
            }, state.Phase, cancellationToken: cancellationToken);
            using var payload = JsonDocument.Parse(quorum.Payload);
            if (payload.RootElement.GetProperty("reviewId").GetGuid() == review.Id)
            {
                await publisher.Publish(new FeatureApproved(id, $"reviews: {string.Join(", ", approvers)}"), cancellationToken);
                opened = true;
            }
        }

        return TypedResults.Created($"/api/features/{id}/reviews", new ReviewSubmitted(
            ReviewView.From(review, counts), ReviewTally.Of(feature.RequiredReviews, state.Attempt, approvers), opened));
    }

    public static async Task<Results<Ok<FeatureReviews>, ProblemHttpResult>> ListReviews(
        Guid id, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var feature = await db.Features.AsNoTracking().OfTenant(tenantId, id).FirstOrDefaultAsync(cancellationToken);
        if (feature is null)
            return FeaturesApi.NotFound(id);
        var attempt = await db.FeatureStates.Where(s => s.CorrelationId == id).Select(s => (int?)s.Attempt).FirstOrDefaultAsync(cancellationToken) ?? 1;
        var reviews = await db.Reviews.AsNoTracking().Where(r => r.FeatureId == id).OrderBy(r => r.CreatedAt).ToListAsync(cancellationToken);
        var approvers = await ReviewRules.TallyAsync(db, feature, attempt, cancellationToken);
        return TypedResults.Ok(new FeatureReviews(
            ReviewTally.Of(feature.RequiredReviews, attempt, approvers),
            reviews.Select(r => ReviewView.From(r, ReviewRules.Counts(r, feature, attempt))).ToList()));
    }
}

/// <summary>Which reviews count: approvals of the current change by someone other than its author, one per agent (or key).</summary>
public static class ReviewRules
{
    /// <summary>Two keys of one agent are one reviewer; a key without an agent is its own.</summary>
    public static string Identity(Guid? agentId, Guid? keyId) => agentId is { } a ? $"agent:{a:N}" : $"key:{keyId:N}";

    public static bool IsAuthor(Review review, Feature feature) =>
        feature.RequestedByKeyId is not null && Identity(review.AgentId, review.KeyId) == Identity(feature.RequestedByAgentId, feature.RequestedByKeyId);

    public static bool Counts(Review review, Feature feature, int attempt) =>
        review.Verdict == ReviewVerdict.Approve && review.Attempt == attempt && !IsAuthor(review, feature);

    public static string? WhyNot(Review review, Feature feature) =>
        IsAuthor(review, feature) ? "the reviewer is the run's author; a review by its author does not count" : null;

    public static async Task<IReadOnlyList<string>> TallyAsync(BuilderDbContext db, Feature feature, int attempt, CancellationToken cancellationToken)
    {
        var reviews = await db.Reviews.AsNoTracking().Where(r => r.FeatureId == feature.Id && r.Attempt == attempt).OrderBy(r => r.CreatedAt)
            .ToListAsync(cancellationToken);
        return reviews.Where(r => Counts(r, feature, attempt)).GroupBy(r => Identity(r.AgentId, r.KeyId)).Select(g => g.First().Reviewer).ToList();
    }
}

public sealed record SubmitReviewRequest(ReviewVerdict? Verdict, string? Comments);

public sealed record ReviewView(Guid Id, string Reviewer, ReviewVerdict Verdict, string? Comments, int Attempt, bool Counts, DateTime CreatedAt)
{
    public static ReviewView From(Review r, bool counts) => new(r.Id, r.Reviewer, r.Verdict, r.Comments, r.Attempt, counts, r.CreatedAt);
}

/// <summary>The approvals that count for the current change (attempt), against the repository's requirement.</summary>
public sealed record ReviewTally(int Required, int Attempt, IReadOnlyList<string> Approvers, bool Satisfied)
{
    public static ReviewTally Of(int required, int attempt, IReadOnlyList<string> approvers) =>
        new(required, attempt, approvers, required > 0 && approvers.Count >= required);
}

/// <summary>ReleaseRequested: this review completed the required approvals and asked the saga to open the release gate.</summary>
public sealed record ReviewSubmitted(ReviewView Review, ReviewTally Tally, bool ReleaseRequested);

public sealed record FeatureReviews(ReviewTally Tally, IReadOnlyList<ReviewView> Reviews);
