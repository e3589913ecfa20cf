using Builder.Api.Infrastructure;
using Builder.Api.Auth;
using Builder.Core.Artifacts;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Features;

public static class ArtifactsApi
{
    public static RouteGroupBuilder MapArtifactsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/features/{id:guid}/artifacts").WithTags("Artifacts").RequireAuthorization(ApiScopes.FeaturesRead);
        api.MapGet("/", ListArtifacts).WithSummary("The run's stored outputs: plan, change diff, build and test logs.");
        api.MapGet("/{name}", DownloadArtifact);
        return api;
    }

    public static async Task<Results<Ok<IReadOnlyList<ArtifactView>>, ProblemHttpResult>> ListArtifacts(
        Guid id, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        if (!await db.Features.OfTenant(tenantId, id).AnyAsync(cancellationToken))
            return FeaturesApi.NotFound(id);

        var artifacts = await db.Artifacts.AsNoTracking().Where(a => a.FeatureId == id).OrderBy(a => a.Name)
            .Select(a => new ArtifactView(a.Name, a.ContentType, a.OriginalSize, a.Truncated, a.CreatedAt, $"/api/features/{id}/artifacts/{a.Name}"))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<ArtifactView>>(artifacts);
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult, ValidationProblem>> DownloadArtifact(
        Guid id, string name, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var validation = new Validation().Line("name", name);
        if (name.Length > 200)
            validation.Add("name", $"name is {name.Length} characters long; artifact names are at most 200.");
        if (!validation.IsValid)
            return validation.Problem();

        var tenantId = http.User.TenantId();
        var artifact = await db.Artifacts.AsNoTracking().FirstOrDefaultAsync(a => a.FeatureId == id && a.TenantId == tenantId && a.Name == name, cancellationToken);
        if (artifact is null)
            return Problems.NotFound($"Feature {id} has no artifact '{name}'.");
        if (artifact.Truncated)
            http.Response.Headers["X-Builder-Truncated"] = $"kept the last {artifact.Content.Length} of {artifact.OriginalSize} bytes";
        return TypedResults.File(artifact.Content, artifact.ContentType, artifact.Name);
    }
}

public sealed record ArtifactView(string Name, string ContentType, long Size, bool Truncated, DateTime CreatedAt, string Url);
