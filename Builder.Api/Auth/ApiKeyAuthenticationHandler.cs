using System.Security.Claims;
using System.Text.Encodings.Web;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using Builder.Core.Security;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Builder.Api.Auth;

/// <summary>Authenticates <c>Authorization: Bearer &lt;api key&gt;</c> against the hashed keys of every tenant.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IDbContextFactory<BuilderDbContext> dbFactory, IDistributedCache cache)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = BearerToken();
        if (key is null)
            return Request.Headers.Authorization.Count > 0
                ? AuthenticateResult.Fail("The Authorization header must be 'Bearer <api key>'.")
                : AuthenticateResult.NoResult();

        var stored = await FindAsync(ApiKeyGenerator.LookupPrefix(key));
        if (stored is null || !ApiKeyGenerator.Matches(key, stored.Hash))
            return AuthenticateResult.Fail("The API key is not valid.");
        if (stored.Revoked)
            return AuthenticateResult.Fail("The API key has been revoked.");

        var actor = stored.AgentName is null ? $"key:{stored.Name}" : Agent.ActorName(stored.AgentName, stored.AgentVersion!);
        var claims = new List<Claim>
        {
            new(BuilderClaims.TenantId, stored.TenantId.ToString()),
            new(BuilderClaims.TenantName, stored.TenantName),
            new(BuilderClaims.KeyId, stored.KeyId.ToString()),
            new(BuilderClaims.Actor, actor),
            new(ClaimTypes.Name, stored.Name),
        };
        if (stored.AgentId is { } agentId)
            claims.Add(new Claim(BuilderClaims.AgentId, agentId.ToString()));
        claims.AddRange(stored.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => new Claim(BuilderClaims.Scope, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <summary>
    /// The key from the Authorization header; for live streams also from the <c>access_token</c> query,
    /// because browsers' WebSocket and EventSource cannot set headers.
    /// </summary>
    string? BearerToken()
    {
        string? header = Request.Headers.Authorization;
        if (!string.IsNullOrEmpty(header))
            return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        if (!HttpMethods.IsGet(Request.Method) && !HttpMethods.IsPost(Request.Method))
            return null;
        var path = Request.Path.Value ?? "";
        var live = path.StartsWith("/hubs/", StringComparison.OrdinalIgnoreCase)
                   || path.EndsWith("/stream", StringComparison.OrdinalIgnoreCase) || path.EndsWith("/ws", StringComparison.OrdinalIgnoreCase);
        return live && Request.Query["access_token"] is [{ Length: > 0 } token] ? token : null;
    }

    /// <summary>
    /// The key's row (hash only, never the secret), cached briefly in the shared cache so that every
    /// request does not hit the database. Revoking a key removes its entry.
    /// </summary>
    async Task<StoredKey?> FindAsync(string prefix)
    {
        var cacheKey = CacheKey(prefix);
        if (await cache.GetStringAsync(cacheKey, Context.RequestAborted) is { } cached)
            return JsonSerializer.Deserialize<StoredKey>(cached);

        await using var db = await dbFactory.CreateDbContextAsync(Context.RequestAborted);
        var stored = await db.ApiKeys.AsNoTracking()
            .Where(k => k.Prefix == prefix)
            .Join(db.Tenants, k => k.TenantId, t => t.Id, (k, t) => new { k, t })
            .GroupJoin(db.Agents, x => x.k.AgentId, a => a.Id, (x, agents) => new { x.k, x.t, agents })
            .SelectMany(x => x.agents.DefaultIfEmpty(), (x, a) => new StoredKey(
                x.k.Id, x.k.TenantId, x.t.Name, x.k.Name, x.k.Hash, x.k.Scopes, x.k.RevokedAt != null, x.k.AgentId, a != null ? a.Name : null, a != null ? a.Version : null))
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (stored is not null)
            await cache.SetStringAsync(cacheKey, JsonSerializer.Serialize(stored),
                new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(30) }, Context.RequestAborted);
        return stored;
    }

    public static string CacheKey(string prefix) => $"api-key:{prefix}";

    sealed record StoredKey(
        Guid KeyId, Guid TenantId, string TenantName, string Name, string Hash, string Scopes, bool Revoked,
        Guid? AgentId = null, string? AgentName = null, string? AgentVersion = null);

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
    public const string AgentId = "builder:agent";
    public const string Actor = "builder:actor";
    public const string Scope = "scope";
}

/// <summary>Who is calling: read from the claims the API key handler set.</summary>
public static class Caller
{
    public static Guid TenantId(this ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue(BuilderClaims.TenantId)!);

    /// <summary>The name recorded as the actor of what the caller does: "agent:&lt;name&gt;@&lt;version&gt;" or "key:&lt;name&gt;".</summary>
    public static string Actor(this ClaimsPrincipal user) => user.FindFirstValue(BuilderClaims.Actor) ?? user.Identity?.Name ?? "unknown";

    /// <summary>The API key used, or null for a person signed in through the identity provider.</summary>
    public static Guid? KeyId(this ClaimsPrincipal user) => Guid.TryParse(user.FindFirstValue(BuilderClaims.KeyId), out var id) ? id : null;

    public static Guid? AgentId(this ClaimsPrincipal user) => Guid.TryParse(user.FindFirstValue(BuilderClaims.AgentId), out var id) ? id : null;

    public static bool HasScope(this ClaimsPrincipal user, string scope) =>
        user.HasClaim(BuilderClaims.Scope, scope) || user.HasClaim(BuilderClaims.Scope, ApiScopes.Admin);
}
