using System.Security.Claims;
using Builder.Core.Persistence;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Builder.Api.Auth;

/// <summary>
/// Bearer tokens from the company's identity provider (<see cref="OidcOptions"/>): validated
/// against the issuer's published keys, then turned into the same claims an API key gives — the
/// tenant the token names, the scopes its roles grant, the person as the actor.
/// </summary>
public static class OidcBearer
{
    public const string SchemeName = "Oidc";

    /// <summary>A compact JWS: three base64url parts, the first a JSON header ("eyJ...").</summary>
    public static bool LooksLikeJwt(string token) => token.StartsWith("eyJ", StringComparison.Ordinal) && token.Count(c => c == '.') == 2;

    public static void Configure(JwtBearerOptions jwt, OidcOptions oidc)
    {
        jwt.Authority = oidc.Authority;
        jwt.Audience = oidc.Audience;
        jwt.RequireHttpsMetadata = Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority) && !authority.IsLoopback;
        jwt.MapInboundClaims = false;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidAudience = oidc.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = oidc.ClockSkew,
            NameClaimType = oidc.NameClaim,
        };
        jwt.Events = new JwtBearerEvents
        {
            OnTokenValidated = context => MapAsync(context, oidc),
            OnChallenge = Challenge,
            OnForbidden = context => Results.Problem(title: "Forbidden",
                detail: "The token's roles do not grant the scope this operation needs.", statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context.HttpContext),
        };
    }

    static async Task MapAsync(TokenValidatedContext context, OidcOptions oidc)
    {
        var token = context.Principal!;
        var tenantName = token.FindFirstValue(oidc.TenantClaim);
        if (string.IsNullOrWhiteSpace(tenantName))
        {
            context.Fail($"The token names no Builder tenant (claim '{oidc.TenantClaim}').");
            return;
        }

        var factory = context.HttpContext.RequestServices.GetRequiredService<IDbContextFactory<BuilderDbContext>>();
        await using var db = await factory.CreateDbContextAsync(context.HttpContext.RequestAborted);
        var tenant = Guid.TryParse(tenantName, out var id)
            ? await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, context.HttpContext.RequestAborted)
            : await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Name == tenantName, context.HttpContext.RequestAborted);
        if (tenant is null)
        {
            context.Fail($"The token's tenant '{tenantName}' is not known to Builder.");
            return;
        }

        var person = token.FindFirstValue(oidc.NameClaim) ?? token.FindFirstValue("sub") ?? "unknown";
        var scopes = token.FindAll(oidc.RoleClaim).Select(c => c.Value)
            .SelectMany(role => oidc.RoleScopes.TryGetValue(role, out var granted) ? granted.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [])
            .Distinct();
        var claims = new List<Claim>
        {
            new(BuilderClaims.TenantId, tenant.Id.ToString()),
            new(BuilderClaims.TenantName, tenant.Name),
            new(BuilderClaims.Actor, $"user:{person}"),
            new(ClaimTypes.Name, person),
        };
        claims.AddRange(scopes.Select(scope => new Claim(BuilderClaims.Scope, scope)));
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>A 401 problem document saying in Builder's words why the token was refused.</summary>
    static Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<OidcOptions>>().Value;
        var detail = context.AuthenticateFailure switch
        {
            SecurityTokenExpiredException expired => $"The token expired at {expired.Expires:u}.",
            SecurityTokenNotYetValidException early => $"The token is not valid before {early.NotBefore:u}.",
            SecurityTokenInvalidAudienceException => $"The token was issued for another application, not for '{options.Audience}'.",
            SecurityTokenInvalidIssuerException => $"The token was not issued by '{options.Authority}'.",
            SecurityTokenInvalidSignatureException when context.AuthenticateFailure.Message.Contains("IDX10504", StringComparison.Ordinal)
                => "The token is not signed.",
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException
                => "The token's signature does not match any key the identity provider publishes.",
            SecurityTokenNoExpirationException => "The token has no expiry.",
            { } failure when failure is not SecurityTokenException => failure.Message,
            not null => "The token is not valid.",
            null => context.ErrorDescription ?? "A bearer token or API key is required: send 'Authorization: Bearer <token>'.",
        };
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(title: "Unauthorized", detail: detail, statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context.HttpContext);
    }
}
