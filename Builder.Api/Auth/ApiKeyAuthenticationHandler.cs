using System.Security.Claims;
using System.Text.Encodings.Web;
using Builder.Core.Persistence;
using Builder.Core.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Builder.Api.Auth;

/// <summary>Authenticates <c>Authorization: Bearer &lt;api key&gt;</c> against the hashed keys of every tenant.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IDbContextFactory<BuilderDbContext> dbFactory)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
            return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <api key>'.");

        var key = header["Bearer ".Length..].Trim();
        var prefix = ApiKeyGenerator.LookupPrefix(key);
        await using var db = await dbFactory.CreateDbContextAsync(Context.RequestAborted);
        var row = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Prefix == prefix, Context.RequestAborted);
        if (row is null || !ApiKeyGenerator.Matches(key, row.Hash))
            return AuthenticateResult.Fail("The API key is not valid.");
        if (row.RevokedAt is not null)
            return AuthenticateResult.Fail("The API key has been revoked.");

        var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == row.TenantId, Context.RequestAborted);
        var claims = new List<Claim>
        {
            new(BuilderClaims.TenantId, row.TenantId.ToString()),
            new(BuilderClaims.TenantName, tenant.Name),
            new(BuilderClaims.KeyId, row.Id.ToString()),
            new(ClaimTypes.Name, row.Name),
        };
        claims.AddRange(row.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => new Claim(BuilderClaims.Scope, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(
            title: "Unauthorized",
            detail: failure ?? "An API key is required: send 'Authorization: Bearer <api key>'.",
            statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        await Results.Problem(
            title: "Forbidden",
            detail: "The API key lacks the scope this operation needs.",
            statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(Context);
    }
}

public static class BuilderClaims
{
    public const string TenantId = "builder:tenant";
    public const string TenantName = "builder:tenant_name";
    public const string KeyId = "builder:key";
    public const string Scope = "scope";
}

/// <summary>Who is calling: read from the claims the API key handler set.</summary>
public static class Caller
{
    public static Guid TenantId(this ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue(BuilderClaims.TenantId)!);

    /// <summary>The name recorded as the actor of what the caller does.</summary>
    public static string Actor(this ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";
}
