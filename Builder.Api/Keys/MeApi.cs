using System.Security.Claims;
using Builder.Api.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Builder.Api.Keys;

public static class MeApi
{
    public static RouteHandlerBuilder MapMeApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/me", (ClaimsPrincipal user) => TypedResults.Ok(new Me(
                user.TenantId(), user.FindFirstValue(BuilderClaims.TenantName)!, user.Identity!.Name!, user.Actor(),
                user.FindAll(BuilderClaims.Scope).Select(c => c.Value).ToList())))
            .WithTags("Identity").WithSummary("The tenant and key making the call.");
}

/// <summary>Actor: how what this key does is recorded ("agent:&lt;name&gt;@&lt;version&gt;" or "key:&lt;name&gt;").</summary>
public sealed record Me(Guid TenantId, string TenantName, string KeyName, string Actor, IReadOnlyList<string> Scopes);
