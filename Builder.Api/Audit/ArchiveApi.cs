using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Core.Persistence;
using Builder.Core.StateMachines;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Audit;

/// <summary>
/// What an admin puts away: an ended run is archived (off the board, the lists and the inbox; its
/// events and artifacts kept and still readable by id), a repository is removed (gone from lists and
/// lookups, its runs archived). Both are recorded in the audit log.
/// </summary>
public static class ArchiveApi
{
    public static void MapArchiveApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/features/{id:guid}/archive", Archive).RequireAuthorization(ApiScopes.Admin).WithTags("Features")
            .WithSummary("Archive an ended run: it leaves the board, the lists (see ?archived=true) and the inbox; its history stays.");
        app.MapPost("/api/features/{id:guid}/unarchive", Unarchive).RequireAuthorization(ApiScopes.Admin).WithTags("Features")
            .WithSummary("Bring an archived run back to the board and the lists.");
        app.MapDelete("/api/repositories/{id:guid}", RemoveRepository).RequireAuthorization(ApiScopes.Admin).WithTags("Repositories")
            .WithSummary("Remove a repository with no run in flight: it leaves lists and lookups, its runs are archived, its name can be registered again.");
    }

    public static async Task<Results<Ok<ArchiveResult>, ProblemHttpResult, ValidationProblem>> Archive(
        Guid id, ArchiveRequest? request, HttpContext http, BuilderDbContext db, FeatureEventLog events, CancellationToken cancellationToken)
    {
        var validation = new Validation().Text("reason", request?.Reason);
        if (request?.Reason is { Length: > 2000 })
            validation.Add("reason", $"reason is {request.Reason.Length} characters long; the limit is 2000.");
        if (!validation.IsValid)
            return validation.Problem();

        var tenantId = http.User.TenantId();
        var feature = await db.Features.OfTenant(tenantId, id).FirstOrDefaultAsync(cancellationToken);
        if (feature is null)
            return FeaturesApi.NotFound(id);
        var state = await db.FeatureStates.AsNoTracking().FirstOrDefaultAsync(s => s.CorrelationId == id, cancellationToken);
        if (state is null || !FeatureStatus.IsTerminal(state.CurrentState))
            return Problems.Conflict("Not allowed in the current state",
                $"The feature is {(state is null ? FeatureStatus.Requested : FeatureStatus.Of(state.CurrentState))}; only an ended run can be archived (cancel it first).");

        if (feature.ArchivedAt is null)
        {
            feature.ArchivedAt = DateTime.UtcNow;
            feature.ArchivedBy = http.User.Actor();
            AuditLog.Add(db, http.User, "feature.archived", $"feature/{id}", new { reason = request?.Reason });
            await db.SaveChangesAsync(cancellationToken);
            await events.AppendAsync(id, tenantId, EventTypes.FeatureArchived, $"{EventTypes.FeatureArchived}:{feature.ArchivedAt:O}",
                new { by = feature.ArchivedBy, reason = request?.Reason }, null, cancellationToken: cancellationToken);
        }

        return TypedResults.Ok(new ArchiveResult(id, feature.ArchivedAt, feature.ArchivedBy));
    }

    public static async Task<Results<Ok<ArchiveResult>, ProblemHttpResult>> Unarchive(
        Guid id, HttpContext http, BuilderDbContext db, FeatureEventLog events, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var feature = await db.Features.OfTenant(tenantId, id).FirstOrDefaultAsync(cancellationToken);
        if (feature is null)
            return FeaturesApi.NotFound(id);
        if (!await db.Repositories.AnyAsync(r => r.Id == feature.RepositoryId && r.RemovedAt == null, cancellationToken))
            return Problems.Conflict("Repository removed", "The run's repository was removed; its runs stay archived.");
        if (feature.ArchivedAt is not null)
        {
            feature.ArchivedAt = null;
            feature.ArchivedBy = null;
            AuditLog.Add(db, http.User, "feature.unarchived", $"feature/{id}");
            await db.SaveChangesAsync(cancellationToken);
            await events.AppendAsync(id, tenantId, EventTypes.FeatureUnarchived, $"{EventTypes.FeatureUnarchived}:{Guid.NewGuid():N}",
                new { by = http.User.Actor() }, null, cancellationToken: cancellationToken);
        }

        return TypedResults.Ok(new ArchiveResult(id, null, null));
    }

    public static async Task<Results<Ok<RepositoryRemoved>, ProblemHttpResult>> RemoveRepository(
        Guid id, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var repository = await db.Repositories.OfTenant(tenantId, id).FirstOrDefaultAsync(cancellationToken);
        if (repository is null)
            return Problems.NotFound($"No repository {id}.");

        var runs = await (from f in db.Features
                          join s in db.FeatureStates on f.Id equals s.CorrelationId into states
                          from s in states.DefaultIfEmpty()
                          where f.RepositoryId == id
                          select new { Feature = f, State = s == null ? null : s.CurrentState }).ToListAsync(cancellationToken);
        var inFlight = runs.Where(r => r.State is null || !FeatureStatus.IsTerminal(r.State)).Select(r => r.Feature.Id).ToList();
        if (inFlight.Count > 0)
            return Problems.Conflict("Runs in flight",
                $"{inFlight.Count} run(s) of this repository have not ended ({string.Join(", ", inFlight.Take(5))}); cancel them or wait, then remove it.");

        var now = DateTime.UtcNow;
        repository.RemovedAt = now;
        var archived = 0;
        foreach (var run in runs.Where(r => r.Feature.ArchivedAt is null))
        {
            run.Feature.ArchivedAt = now;
            run.Feature.ArchivedBy = http.User.Actor();
            archived++;
        }

        AuditLog.Add(db, http.User, "repository.removed", $"repository/{id}", new { name = repository.Name, archivedRuns = archived });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new RepositoryRemoved(id, repository.Name, now, archived));
    }
}

public sealed record ArchiveRequest(string? Reason);

public sealed record ArchiveResult(Guid Id, DateTime? ArchivedAt, string? ArchivedBy);

public sealed record RepositoryRemoved(Guid Id, string Name, DateTime RemovedAt, int ArchivedRuns);
