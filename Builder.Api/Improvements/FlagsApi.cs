using Builder.Api.Audit;
using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core.Domain;
using Builder.Core.Flags;
using Builder.Core.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Builder.Api.Improvements;

public sealed record SetFlagRequest(bool? Enabled);

/// <summary>The tenant's feature flags: each with its value and where it comes from; an administrator sets the tenant's own.</summary>
public static class FlagsApi
{
    public static void MapFlagsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/flags").WithTags("Flags");
        api.MapGet("/", List).RequireAuthorization(ApiScopes.FeaturesRead)
            .WithSummary("The flags (SelfBuilding, TelemetryCollection, AutonomousImprovements, ComponentGeneration, ImprovementRollback) with their value for this tenant and its source: tenant, configuration or default.");
        api.MapPut("/{name}", Set).RequireAuthorization(ApiScopes.Admin)
            .WithSummary("Set a flag for this tenant {enabled}; audited.");
    }

    public static async Task<Ok<IReadOnlyList<FlagValue>>> List(HttpContext http, TenantFlags flags, CancellationToken cancellationToken) =>
        TypedResults.Ok(await flags.ListAsync(http.User.TenantId(), cancellationToken));

    public static async Task<Results<Ok<FlagValue>, ValidationProblem, ProblemHttpResult>> Set(
        string name, SetFlagRequest? request, HttpContext http, TenantFlags flags, BuilderDbContext db, CancellationToken cancellationToken)
    {
        if (BuilderFlags.Find(name) is not { } flag)
            return Problems.NotFound($"There is no flag named '{name}'; the flags are {string.Join(", ", BuilderFlags.All.Select(f => f.Name))}.");
        if (request?.Enabled is not { } enabled)
            return new Validation().Add("enabled", "enabled is required: true or false.").Problem();
        var value = await flags.SetAsync(http.User.TenantId(), flag, enabled, http.User.Actor(), cancellationToken);
        await AuditLog.RecordAsync(db, http.User, "flag.set", $"flag/{flag.Name}", new { enabled }, cancellationToken);
        return TypedResults.Ok(value);
    }
}
