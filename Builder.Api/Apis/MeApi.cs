using System.Security.Claims;
using Builder.Api.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Builder.Api.Apis;

public static class MeApi
{
    public static RouteHandlerBuilder MapMeApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/me", (ClaimsPrincipal user) => TypedResults.Ok(new Me(
                user.TenantId(), user.FindFirstValue(BuilderClaims.TenantName)!, user.Actor(),
                user.FindAll(BuilderClaims.Scope).Select(c => c.Value).ToList())))
            .WithTags("Identity").WithSummary("The tenant and key making the call.");
}

public sealed record Me(Guid TenantId, string TenantName, string KeyName, IReadOnlyList<string> Scopes);
