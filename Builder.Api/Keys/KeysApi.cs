using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using Builder.Core.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Distributed;

namespace Builder.Api.Keys;

/// <summary>A tenant's API keys: listed without secrets, created with scopes, revoked at once.</summary>
public static class KeysApi
{
    public static RouteGroupBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/keys").WithTags("Keys").RequireAuthorization(ApiScopes.Admin);
        api.MapGet("/", ListKeys).WithSummary("The tenant's keys: prefix, name, scopes, agent, created, revoked. Never the secret.");
        api.MapPost("/", CreateKey).WithRequestSizeLimit(RequestLimits.Small)
            .WithSummary("Create a key with scopes, optionally for an agent; the response holds the key, shown this once.");
        api.MapDelete("/{id:guid}", RevokeKey).WithSummary("Revoke a key; requests with it get 401 from now on.");
        api.MapPost("/{id:guid}/revoke", RevokeKey).WithSummary("The same as DELETE /api/keys/{id}.");
        return api;
    }

    public static async Task<Ok<IReadOnlyList<KeyView>>> ListKeys(HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.TenantId == tenantId)
            .GroupJoin(db.Agents, k => k.AgentId, a => a.Id, (k, agents) => new { k, agents })
            .SelectMany(x => x.agents.DefaultIfEmpty(), (x, a) => new { Key = x.k, Agent = a })
            .ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<KeyView>>(keys.OrderBy(k => k.Key.CreatedAt).Select(k => KeyView.From(k.Key, k.Agent)).ToList());
    }

    public static async Task<Results<Created<KeyCreated>, ValidationProblem>> CreateKey(
        CreateKeyRequest request, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var validation = new Validation();
        AgentsApi.RequireName(validation, "name", request.Name, 100);
        var scopes = ValidScopes(request.Scopes, null, validation);
        var tenantId = http.User.TenantId();
        Agent? agent = null;
        if (request.AgentId is { } agentId)
        {
            agent = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == agentId && a.TenantId == tenantId, cancellationToken);
            if (agent is null)
                validation.Add("agentId", $"No agent {agentId} is registered in this tenant.");
        }

        if (!validation.IsValid)
            return validation.Problem();

        var (key, prefix, hash) = ApiKeyGenerator.Create();
        var apiKey = new ApiKey { TenantId = tenantId, AgentId = agent?.Id, Name = request.Name!.Trim(), Prefix = prefix, Hash = hash, Scopes = string.Join(' ', scopes) };
        db.ApiKeys.Add(apiKey);
        AuditLog.Add(db, http.User, "key.created", $"key/{apiKey.Id}", new { name = apiKey.Name, scopes, agentId = agent?.Id });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/keys/{apiKey.Id}", new KeyCreated(KeyView.From(apiKey, agent), key));
    }

    public static async Task<Results<Ok<KeyView>, ProblemHttpResult>> RevokeKey(
        Guid id, HttpContext http, BuilderDbContext db, IDistributedCache cache, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id && k.TenantId == tenantId, cancellationToken);
        if (key is null)
            return Problems.NotFound($"No key {id}.");
        if (key.RevokedAt is null)
        {
            var others = await db.ApiKeys.Where(k => k.TenantId == tenantId && k.Id != id && k.RevokedAt == null).ToListAsync(cancellationToken);
            if (key.HasScope(ApiScopes.Admin) && !others.Any(k => k.HasScope(ApiScopes.Admin)))
                return Problems.Conflict("Last admin key", "This is the tenant's last admin key; create another admin key before revoking it.");
            key.RevokedAt = DateTime.UtcNow;
            AuditLog.Add(db, http.User, "key.revoked", $"key/{key.Id}", new { name = key.Name });
            await db.SaveChangesAsync(cancellationToken);
        }

        // The authentication handler caches key rows; without the entry the next request reads the revocation.
        await cache.RemoveAsync(ApiKeyAuthenticationHandler.CacheKey(key.Prefix), cancellationToken);
        var agent = key.AgentId is { } agentId ? await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == agentId, cancellationToken) : null;
        return TypedResults.Ok(KeyView.From(key, agent));
    }

    /// <summary>The requested scopes, or the defaults when none are given; unknown scopes are listed with the valid ones.</summary>
    internal static IReadOnlyList<string> ValidScopes(IReadOnlyList<string>? requested, IReadOnlyList<string>? defaults, Validation validation)
    {
        if (requested is null || requested.Count == 0)
        {
            if (defaults is not null)
                return defaults;
            validation.Add("scopes", $"scopes is required: one or more of {string.Join(", ", ApiScopes.All)}.");
            return [];
        }

        var unknown = requested.Where(s => !ApiScopes.All.Contains(s)).ToList();
        if (unknown.Count > 0)
            validation.Add("scopes", $"{string.Join(", ", unknown.Select(s => $"'{s}'"))} {(unknown.Count == 1 ? "is not a scope" : "are not scopes")}; " +
                                     $"valid scopes are {string.Join(", ", ApiScopes.All)}.");
        return requested.Distinct().ToList();
    }
}

public sealed record CreateKeyRequest(string? Name, IReadOnlyList<string>? Scopes, Guid? AgentId);

public sealed record KeyAgent(Guid Id, string Name, string Version);

public sealed record KeyView(Guid Id, string Prefix, string Name, IReadOnlyList<string> Scopes, KeyAgent? Agent, string Actor, DateTime CreatedAt, DateTime? RevokedAt)
{
    public bool Revoked => RevokedAt is not null;

    public static KeyView From(ApiKey k, Agent? agent) => new(
        k.Id, k.Prefix, k.Name, k.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        agent is null ? null : new KeyAgent(agent.Id, agent.Name, agent.Version), agent?.Actor ?? $"key:{k.Name}", k.CreatedAt, k.RevokedAt);
}

/// <summary>A new key: <see cref="Key"/> is the secret, shown in this response only.</summary>
public sealed record KeyCreated(KeyView Details, string Key);
