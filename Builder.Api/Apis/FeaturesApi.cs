using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core;
using Builder.Core.Artifacts;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Core.Persistence;
using Builder.Core.StateMachines;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Builder.Api.Apis;

public static class FeaturesApi
{
    public static RouteGroupBuilder MapFeaturesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/features").WithTags("Features");
        api.MapPost("/", SubmitFeature).RequireAuthorization(ApiScopes.FeaturesWrite)
            .WithSummary("Submit a feature request; its run starts at once. Honours the Idempotency-Key header.");
        api.MapGet("/", ListFeatures).RequireAuthorization(ApiScopes.FeaturesRead);
        api.MapGet("/{id:guid}", GetFeature).RequireAuthorization(ApiScopes.FeaturesRead);
        api.MapGet("/{id:guid}/events", GetEvents).RequireAuthorization(ApiScopes.FeaturesRead)
            .WithSummary("The run's events in sequence order, after the given sequence number.");
        return api;
    }

    public static async Task<Results<Accepted<FeatureAccepted>, Ok<FeatureAccepted>, ValidationProblem, ProblemHttpResult>> SubmitFeature(
        SubmitFeatureRequest request, HttpContext http, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        BuilderDbContext db, FeatureEventLog events, IPublishEndpoint publisher, IOptions<BuilderOptions> options, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var validation = new Validation();
        if (request.RepositoryId is null || request.RepositoryId == Guid.Empty)
            validation.Add("repositoryId", "repositoryId is required.");
        validation.Require("title", request.Title, 300);
        if (request.Description is null)
            validation.Add("description", "description is required (it may be empty).");
        else if (request.Description.Length > 20_000)
            validation.Add("description", $"description is {request.Description.Length} characters long; the limit is 20000.");
        if (request.TargetBranch is not null && !BranchNames.IsValid(request.TargetBranch))
            validation.Add("targetBranch", $"'{request.TargetBranch}' is not a valid branch name.");
        if (idempotencyKey is { Length: > 200 })
            validation.Add("Idempotency-Key", "The Idempotency-Key header is longer than 200 characters.");
        Repository? repository = null;
        if (request.RepositoryId is { } repositoryId && repositoryId != Guid.Empty)
        {
            repository = await db.Repositories.AsNoTracking().FirstOrDefaultAsync(r => r.Id == repositoryId && r.TenantId == tenantId, cancellationToken);
            if (repository is null)
                validation.Add("repositoryId", $"No repository {repositoryId} is registered in this tenant.");
        }

        var draft = DraftValidation.Validate(request.Draft, repository?.Settings ?? new RepositorySettings(), options.Value.Limits, validation);

        if (!validation.IsValid)
            return validation.Problem();

        var requestHash = Hash(request);
        if (idempotencyKey is not null)
        {
            var existing = await db.Features.AsNoTracking().FirstOrDefaultAsync(f => f.TenantId == tenantId && f.IdempotencyKey == idempotencyKey, cancellationToken);
            if (existing is not null)
                return Same(existing, requestHash);
        }

        var feature = new Feature
        {
            TenantId = tenantId,
            RepositoryId = repository!.Id,
            Title = request.Title!.Trim(),
            Description = request.Description!,
            TargetBranch = request.TargetBranch ?? repository.DefaultBranch,
            ApprovalMode = request.ApprovalMode ?? ApprovalMode.Auto,
            Draft = draft,
            TestsRequired = request.TestsRequired ?? true,
            RequestedBy = http.User.Actor(),
            IdempotencyKey = idempotencyKey,
            RequestHash = requestHash,
        };
        db.Features.Add(feature);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (idempotencyKey is not null)
        {
            // The same key arrived twice at once; the other request created the feature.
            var winner = await db.Features.AsNoTracking().FirstAsync(f => f.TenantId == tenantId && f.IdempotencyKey == idempotencyKey, cancellationToken);
            return Same(winner, requestHash);
        }

        await events.AppendAsync(feature.Id, tenantId, EventTypes.FeatureRequested, EventTypes.FeatureRequested, new
        {
            title = feature.Title, repositoryId = feature.RepositoryId, targetBranch = feature.TargetBranch, approvalMode = feature.ApprovalMode,
            requestedBy = feature.RequestedBy, draftFiles = feature.Draft.Count,
        }, cancellationToken: cancellationToken);
        await publisher.Publish(new FeatureRequested(feature.Id, tenantId, feature.ApprovalMode, feature.RequestedBy, feature.Author), cancellationToken);

        var accepted = new FeatureAccepted(feature.Id, FeatureStatus.Requested, StatusUrl(feature.Id));
        return TypedResults.Accepted(accepted.StatusUrl, accepted);

        Results<Accepted<FeatureAccepted>, Ok<FeatureAccepted>, ValidationProblem, ProblemHttpResult> Same(Feature existing, string hash) =>
            existing.RequestHash == hash
                ? TypedResults.Ok(new FeatureAccepted(existing.Id, FeatureStatus.Requested, StatusUrl(existing.Id)))
                : TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused",
                    detail: $"The Idempotency-Key '{idempotencyKey}' was already used for feature {existing.Id} with a different request body.");
    }

    public static async Task<Results<Ok<PagedResult<FeatureSummary>>, ValidationProblem>> ListFeatures(
        HttpContext http, BuilderDbContext db, string? status, Guid? repositoryId, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        var validation = new Validation();
        var matched = status is null ? null : FeatureStatus.All.FirstOrDefault(s => s.Equals(status, StringComparison.OrdinalIgnoreCase));
        if (status is not null && matched is null)
            validation.Add("status", $"'{status}' is not a status; use one of {string.Join(", ", FeatureStatus.All)}.");
        if (page is < 1)
            validation.Add("page", "page starts at 1.");
        if (pageSize is < 1 or > 200)
            validation.Add("pageSize", "pageSize must be between 1 and 200.");
        if (!validation.IsValid)
            return validation.Problem();

        var tenantId = http.User.TenantId();
        var query =
            from f in db.Features.AsNoTracking()
            join r in db.Repositories.AsNoTracking() on f.RepositoryId equals r.Id
            join s in db.FeatureStates.AsNoTracking() on f.Id equals s.CorrelationId into states
            from s in states.DefaultIfEmpty()
            where f.TenantId == tenantId
            select new { Feature = f, RepositoryName = r.Name, State = s };
        if (repositoryId is not null)
            query = query.Where(x => x.Feature.RepositoryId == repositoryId);
        if (matched is not null)
        {
            var states = FeatureStatus.StatesOf(matched);
            query = matched == FeatureStatus.Requested
                ? query.Where(x => x.State == null || x.State.CurrentState == "Initial")
                : query.Where(x => x.State != null && states.Contains(x.State.CurrentState));
        }

        var size = pageSize ?? 50;
        var number = page ?? 1;
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(x => x.Feature.CreatedAt).ThenBy(x => x.Feature.Id)
            .Skip((number - 1) * size).Take(size).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<FeatureSummary>(
            rows.Select(x => FeatureViews.Summary(x.Feature, x.RepositoryName, x.State)).ToList(), number, size, total));
    }

    public static async Task<Results<Ok<FeatureDetail>, ProblemHttpResult>> GetFeature(
        Guid id, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var feature = await db.Features.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id && f.TenantId == tenantId, cancellationToken);
        if (feature is null)
            return NotFound(id);

        var repositoryName = await db.Repositories.Where(r => r.Id == feature.RepositoryId).Select(r => r.Name).FirstAsync(cancellationToken);
        var state = await db.FeatureStates.AsNoTracking().FirstOrDefaultAsync(s => s.CorrelationId == id, cancellationToken);
        string[] phaseTypes = [EventTypes.PhaseStarted, EventTypes.PhaseCompleted, EventTypes.PhaseSkipped, EventTypes.PhaseFailed];
        var phaseEvents = await db.FeatureEvents.AsNoTracking().Where(e => e.FeatureId == id && phaseTypes.Contains(e.Type))
            .OrderBy(e => e.Sequence).ToListAsync(cancellationToken);
        var testResults = await db.Artifacts.AsNoTracking().Where(a => a.FeatureId == id && a.Name == ArtifactNames.TestResults)
            .Select(a => a.Content).FirstOrDefaultAsync(cancellationToken);
        return TypedResults.Ok(FeatureViews.Detail(feature, repositoryName, state, phaseEvents) with { Tests = TestResultsApi.Summary(testResults) });
    }

    public static async Task<Results<Ok<IReadOnlyList<FeatureEventView>>, ProblemHttpResult, ValidationProblem>> GetEvents(
        Guid id, HttpContext http, BuilderDbContext db, FeatureEventLog events, long? after, int? limit, CancellationToken cancellationToken)
    {
        if (after is < 0 || limit is < 1 or > 5000)
            return new Validation().Add("after", "after must be 0 or more, and limit between 1 and 5000.").Problem();
        var tenantId = http.User.TenantId();
        if (!await db.Features.AnyAsync(f => f.Id == id && f.TenantId == tenantId, cancellationToken))
            return NotFound(id);

        var page = await events.ReadAsync(id, after ?? 0, limit ?? 1000, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<FeatureEventView>>(page.Select(FeatureViews.Event).ToList());
    }

    internal static ProblemHttpResult NotFound(Guid id) =>
        Problems.NotFound($"No feature {id}.");

    static string StatusUrl(Guid id) => $"/api/features/{id}";

    static string Hash(SubmitFeatureRequest request) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, FeatureEventLog.Json))));
}

public sealed record SubmitFeatureRequest(
    Guid? RepositoryId, string? Title, string? Description, string? TargetBranch, ApprovalMode? ApprovalMode, DraftRequest? Draft, bool? TestsRequired = null);

public sealed record DraftRequest(IReadOnlyList<DraftFileRequest>? Files);

public sealed record DraftFileRequest(string? Path, DraftFileMode? Mode, string? Content);
