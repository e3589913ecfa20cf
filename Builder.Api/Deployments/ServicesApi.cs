using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Deployments;

/// <summary>The service registry: what the tenant's runs deployed, which version is live, and each version's story.</summary>
public static class ServicesApi
{
    public static void MapServicesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/services").WithTags("Services");
        api.MapGet("/", List).RequireAuthorization(ApiScopes.FeaturesRead)
            .WithSummary("The tenant's deployed services, each with its stable address and live version.");
        api.MapGet("/{name}", Get).RequireAuthorization(ApiScopes.FeaturesRead)
            .WithSummary("One service: its stable address, target and live version.");
        api.MapGet("/{name}/versions", Versions).RequireAuthorization(ApiScopes.FeaturesRead)
            .WithSummary("Every version of a service, newest first: run, commit, release folder, address, state, who deployed it and when.");
        api.MapPost("/{name}/rollback", Rollback).RequireAuthorization(ApiScopes.ApprovalsWrite)
            .WithSummary("Give the stable address back to the version the live one replaced (while it is kept warm); the live version is stopped and marked rolled back.");
        app.MapPost("/api/features/{id:guid}/rollback", RollbackFeature).WithTags("Services").RequireAuthorization(ApiScopes.ApprovalsWrite)
            .WithSummary("Roll back the version this run deployed: 202 while a worker switches the stable address back to the previous version, " +
                         "200 when it is already rolled back, 409 when the run's version is not live or nothing earlier is kept warm.");
    }

    public static async Task<Results<Accepted<RollbackAccepted>, Ok<RollbackAccepted>, ProblemHttpResult>> RollbackFeature(
        Guid id, RollbackRequest? request, HttpContext http, BuilderDbContext db, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        if (!await db.Features.OfTenant(tenantId, id).AnyAsync(cancellationToken))
            return FeaturesApi.NotFound(id);
        var deployed = await db.ServiceVersions.AsNoTracking().Where(v => v.TenantId == tenantId && v.FeatureId == id)
            .OrderByDescending(v => v.Attempt).ThenByDescending(v => v.Number).FirstOrDefaultAsync(cancellationToken);
        if (deployed is null)
            return Problems.Conflict("Nothing to roll back", "This run deployed no version of a service.");
        var service = await db.Services.AsNoTracking().FirstAsync(s => s.Id == deployed.ServiceId, cancellationToken);

        if (deployed.State == ServiceVersionState.RolledBack)
        {
            // Asked again after the switch (or after the health gate rolled it back): say so, change nothing.
            var serving = service.LiveVersionId is { } liveId
                ? await db.ServiceVersions.AsNoTracking().Where(v => v.Id == liveId).Select(v => (int?)v.Number).FirstOrDefaultAsync(cancellationToken)
                : null;
            return TypedResults.Ok(new RollbackAccepted(service.Name, deployed.Number, serving ?? 0, "rolled-back", service.StableUrl, id));
        }

        if (service.LiveVersionId != deployed.Id)
            return Problems.Conflict("Not live", $"Version {deployed.Number} of '{service.Name}', which this run deployed, is not live (it is {ServiceVersionView.Describe(deployed.State)}).");

        var result = await ServiceRollback.RequestAsync(service, deployed, request?.Reason, http, db, publisher, cancellationToken);
        return result.Result switch
        {
            Accepted<RollbackAccepted> accepted => accepted,
            ProblemHttpResult problem => problem,
            _ => throw new InvalidOperationException("A rollback request ended without an answer."),
        };
    }

    public static async Task<Results<Accepted<RollbackAccepted>, ProblemHttpResult>> Rollback(
        string name, RollbackRequest? request, HttpContext http, BuilderDbContext db, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var service = await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.TenantId == tenantId && s.Name == name, cancellationToken);
        if (service is null)
            return NotFound(name);
        var live = service.LiveVersionId is { } id ? await db.ServiceVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Id == id, cancellationToken) : null;
        if (live is null)
            return Problems.Conflict("Nothing to roll back to", $"'{name}' has no live version.");
        return await ServiceRollback.RequestAsync(service, live, request?.Reason, http, db, publisher, cancellationToken);
    }

    public static async Task<Ok<List<ServiceView>>> List(HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var services = await db.Services.AsNoTracking().Where(s => s.TenantId == tenantId).OrderBy(s => s.Name).ToListAsync(cancellationToken);
        var liveIds = services.Where(s => s.LiveVersionId != null).Select(s => s.LiveVersionId!.Value).ToList();
        var live = await db.ServiceVersions.AsNoTracking().Where(v => liveIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, cancellationToken);
        return TypedResults.Ok(services.Select(s => ServiceView.Of(s, s.LiveVersionId is { } id && live.TryGetValue(id, out var v) ? v : null)).ToList());
    }

    public static async Task<Results<Ok<ServiceView>, ProblemHttpResult>> Get(string name, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var service = await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.TenantId == tenantId && s.Name == name, cancellationToken);
        if (service is null)
            return NotFound(name);
        var live = service.LiveVersionId is { } id ? await db.ServiceVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Id == id, cancellationToken) : null;
        return TypedResults.Ok(ServiceView.Of(service, live));
    }

    public static async Task<Results<Ok<List<ServiceVersionView>>, ProblemHttpResult>> Versions(
        string name, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var service = await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.TenantId == tenantId && s.Name == name, cancellationToken);
        if (service is null)
            return NotFound(name);
        var versions = await db.ServiceVersions.AsNoTracking().Where(v => v.ServiceId == service.Id).OrderByDescending(v => v.Number).ToListAsync(cancellationToken);
        return TypedResults.Ok(versions.Select(ServiceVersionView.Of).ToList());
    }

    static ProblemHttpResult NotFound(string name) => Problems.NotFound($"No service named '{name}' is deployed by this tenant.");
}

public sealed record RollbackRequest(string? Reason);

public sealed record ServiceView(string Name, string Target, string StableUrl, Guid RepositoryId, ServiceVersionView? Live, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static ServiceView Of(DeployedService service, ServiceVersion? live) =>
        new(service.Name, service.Target, service.StableUrl, service.RepositoryId, live is null ? null : ServiceVersionView.Of(live), service.CreatedAt, service.UpdatedAt);
}

public sealed record ServiceVersionView(
    int Number, string State, Guid FeatureId, int Attempt, string CommitSha, string ReleaseFolder, string? Url, string? Reason, string DeployedBy,
    DateTime CreatedAt, DateTime? LiveAt, DateTime? EndedAt)
{
    public static ServiceVersionView Of(ServiceVersion v) =>
        new(v.Number, Describe(v.State), v.FeatureId, v.Attempt, v.CommitSha, v.ReleaseFolder, v.Url, v.Reason, v.DeployedBy, v.CreatedAt, v.LiveAt, v.EndedAt);

    /// <summary>The registry's words: starting, live, standby, stopped, failed, rolled-back.</summary>
    public static string Describe(ServiceVersionState state) => state == ServiceVersionState.RolledBack ? "rolled-back" : state.ToString().ToLowerInvariant();
}
