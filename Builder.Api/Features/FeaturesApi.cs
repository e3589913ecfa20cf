using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core.Artifacts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Core.Llm;
using Builder.Core.Persistence;
using Builder.Core.StateMachines;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Features;

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
        FeatureSubmitter submitter, CancellationToken cancellationToken)
    {
        var validation = new Validation();
        if (request.RepositoryId is null)
            validation.Add("repositoryId", "repositoryId is required.");
        else if (request.RepositoryId == Guid.Empty)
            validation.Add("repositoryId", $"repositoryId {Guid.Empty} is not a valid id.");
        validation.Require("title", request.Title, 300);
        validation.Line("title", request.Title).Text("description", request.Description);
        if (request.Description is null)
            validation.Add("description", "description is required (it may be empty).");
        else if (request.Description.Length > 20_000)
            validation.Add("description", $"description is {request.Description.Length} characters long; the limit is 20000.");
        if (request.TargetBranch is not null && !BranchNames.IsValid(request.TargetBranch))
            validation.Add("targetBranch", $"'{request.TargetBranch}' is not a valid branch name.");
        if (idempotencyKey is { Length: > 200 })
            validation.Add("Idempotency-Key", "The Idempotency-Key header is longer than 200 characters.");

        var outcome = await submitter.SubmitAsync(
            new FeatureSubmission(request.RepositoryId, request.Title ?? "", request.Description ?? "", request.TargetBranch, request.ApprovalMode,
                request.Draft, request.TestsRequired, idempotencyKey, Hash(request)),
            http.User, validation, cancellationToken);
        if (outcome.Invalid is { } invalid)
            return invalid.Problem();

        var feature = outcome.Feature!;
        var accepted = new FeatureAccepted(feature.Id, FeatureStatus.Requested, StatusUrl(feature.Id));
        if (outcome.Created)
            return TypedResults.Accepted(accepted.StatusUrl, accepted);
        return outcome.SameRequest
            ? TypedResults.Ok(accepted)
            : TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused",
                detail: $"The Idempotency-Key '{idempotencyKey}' was already used for feature {feature.Id} with a different request body.");
    }

    public static async Task<Results<Ok<PagedResult<FeatureSummary>>, ValidationProblem>> ListFeatures(
        HttpContext http, BuilderDbContext db, string? status, Guid? repositoryId, int? page, int? pageSize, bool? archived, CancellationToken cancellationToken)
    {
        var validation = new Validation();
        var matched = FeatureQueries.MatchStatus(status, validation);
        if (page is < 1)
            validation.Add("page", "page starts at 1.");
        if (pageSize is < 1 or > 200)
            validation.Add("pageSize", "pageSize must be between 1 and 200.");
        if (!validation.IsValid)
            return validation.Problem();

        var tenantId = http.User.TenantId();
        var query = FeatureQueries.ForTenant(db, tenantId, archived: archived == true);
        if (repositoryId is not null)
            query = query.Where(x => x.Feature.RepositoryId == repositoryId);
        if (matched is not null)
            query = query.WithStatus(matched);

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
        var feature = await db.Features.AsNoTracking().OfTenant(tenantId, id).FirstOrDefaultAsync(cancellationToken);
        if (feature is null)
            return NotFound(id);

        var repositoryName = await db.Repositories.Where(r => r.Id == feature.RepositoryId).Select(r => r.Name).FirstAsync(cancellationToken);
        var state = await db.FeatureStates.AsNoTracking().FirstOrDefaultAsync(s => s.CorrelationId == id, cancellationToken);
        string[] phaseTypes = [EventTypes.PhaseStarted, EventTypes.PhaseCompleted, EventTypes.PhaseSkipped, EventTypes.PhaseFailed];
        var phaseEvents = await db.FeatureEvents.AsNoTracking().Where(e => e.FeatureId == id && phaseTypes.Contains(e.Type))
            .OrderBy(e => e.Sequence).ToListAsync(cancellationToken);
        var testResults = await db.Artifacts.AsNoTracking().Where(a => a.FeatureId == id && a.Name == ArtifactNames.TestResults)
            .Select(a => a.Content).FirstOrDefaultAsync(cancellationToken);
        return TypedResults.Ok(FeatureViews.Detail(feature, repositoryName, state, phaseEvents) with
        {
            Tests = TestResultsApi.Summary(testResults), ArchivedAt = feature.ArchivedAt, ArchivedBy = feature.ArchivedBy,
        });
    }

    public static async Task<Results<Ok<IReadOnlyList<FeatureEventView>>, ProblemHttpResult, ValidationProblem>> GetEvents(
        Guid id, HttpContext http, BuilderDbContext db, FeatureEventLog events, long? after, int? limit, CancellationToken cancellationToken)
    {
        if (after is < 0 || limit is < 1 or > 5000)
            return new Validation().Add("after", "after must be 0 or more, and limit between 1 and 5000.").Problem();
        var tenantId = http.User.TenantId();
        if (!await db.Features.OfTenant(tenantId, id).AnyAsync(cancellationToken))
            return NotFound(id);

        var page = await events.ReadAsync(id, after ?? 0, limit ?? 1000, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<FeatureEventView>>(page.Select(FeatureViews.Event).ToList());
    }

    internal static ProblemHttpResult NotFound(Guid id) =>
        Problems.NotFound($"No feature {id}.");

    internal static string StatusUrl(Guid id) => $"/api/features/{id}";

    internal static string Hash(object request) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, FeatureEventLog.Json))));
}

public sealed record SubmitFeatureRequest(
    Guid? RepositoryId, string? Title, string? Description, string? TargetBranch, ApprovalMode? ApprovalMode, DraftRequest? Draft, bool? TestsRequired = null);

public sealed record DraftRequest(IReadOnlyList<DraftFileRequest>? Files);

public sealed record DraftFileRequest(string? Path, DraftFileMode? Mode, string? Content);
