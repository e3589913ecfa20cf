using System.Text.RegularExpressions;
using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using Builder.Core.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Agents;

/// <summary>Agents that drive Builder, each acting through keys of its own so that every action names it.</summary>
public static partial class AgentsApi
{
    public static RouteGroupBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/agents").WithTags("Agents").RequireAuthorization(ApiScopes.Admin);
        api.MapPost("/", RegisterAgent).WithRequestSizeLimit(RequestLimits.Small)
            .WithSummary("Register an agent in the caller's tenant; the response holds its API key, shown this once.");
        api.MapGet("/", ListAgents);
        api.MapGet("/{id:guid}", GetAgent);
        return api;
    }

    public static async Task<Results<Created<AgentRegistered>, ValidationProblem, ProblemHttpResult>> RegisterAgent(
        RegisterAgentRequest request, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var validation = new Validation();
        RequireName(validation, "name", request.Name, 100);
        RequireName(validation, "version", request.Version, 50);
        var scopes = KeysApi.ValidScopes(request.Scopes, ApiScopes.AgentDefault, validation);
        if (!validation.IsValid)
            return validation.Problem();

        var tenantId = http.User.TenantId();
        var name = request.Name!.Trim();
        var version = request.Version!.Trim();
        if (await db.Agents.AnyAsync(a => a.TenantId == tenantId && a.Name == name && a.Version == version, cancellationToken))
            return Problems.Conflict("Agent exists",
                $"The agent {name}@{version} is already registered; create another key for it with POST /api/keys {{agentId, name, scopes}}.");

        var agent = new Agent { TenantId = tenantId, Name = name, Version = version, RegisteredBy = http.User.Actor() };
        var (key, prefix, hash) = ApiKeyGenerator.Create();
        var apiKey = new ApiKey { TenantId = tenantId, AgentId = agent.Id, Name = $"{name}@{version}", Prefix = prefix, Hash = hash, Scopes = string.Join(' ', scopes) };
        db.Agents.Add(agent);
        db.ApiKeys.Add(apiKey);
        AuditLog.Add(db, http.User, "agent.registered", $"agent/{agent.Id}", new { name, version, keyId = apiKey.Id });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return Problems.Conflict("Agent exists", $"The agent {name}@{version} was registered at the same moment by another request.");
        }

        return TypedResults.Created($"/api/agents/{agent.Id}", new AgentRegistered(AgentView.From(agent, 1), new KeyCreated(KeyView.From(apiKey, agent), key)));
    }

    public static async Task<Ok<IReadOnlyList<AgentView>>> ListAgents(HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var agents = await db.Agents.AsNoTracking().Where(a => a.TenantId == tenantId)
            .Select(a => new { Agent = a, Keys = db.ApiKeys.Count(k => k.AgentId == a.Id && k.RevokedAt == null) })
            .ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<AgentView>>(agents.OrderBy(a => a.Agent.Name).ThenBy(a => a.Agent.Version)
            .Select(a => AgentView.From(a.Agent, a.Keys)).ToList());
    }

    public static async Task<Results<Ok<AgentView>, ProblemHttpResult>> GetAgent(Guid id, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var agent = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.TenantId == tenantId, cancellationToken);
        if (agent is null)
            return Problems.NotFound($"No agent {id}.");
        var keys = await db.ApiKeys.CountAsync(k => k.AgentId == id && k.RevokedAt == null, cancellationToken);
        return TypedResults.Ok(AgentView.From(agent, keys));
    }

    /// <summary>Names and versions become part of an actor ("agent:name@version"), so they keep to a plain alphabet.</summary>
    internal static void RequireName(Validation validation, string field, string? value, int maxLength)
    {
        validation.Require(field, value, maxLength);
        if (value is not null && TextInput.ForbiddenInLine(value) is not null)
            validation.Line(field, value);
        else if (!string.IsNullOrWhiteSpace(value) && value.Length <= maxLength && !PlainName().IsMatch(value.Trim()))
            validation.Add(field, $"{field} may hold letters, digits and . _ - + only.");
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._+\-]*$")]
    private static partial Regex PlainName();
}

public sealed record RegisterAgentRequest(string? Name, string? Version, IReadOnlyList<string>? Scopes);

public sealed record AgentView(Guid Id, string Name, string Version, string Actor, string RegisteredBy, int ActiveKeys, DateTime CreatedAt)
{
    public static AgentView From(Agent a, int activeKeys) => new(a.Id, a.Name, a.Version, a.Actor, a.RegisteredBy, activeKeys, a.CreatedAt);
}

/// <summary>The agent and its first key; <see cref="KeyCreated.Key"/> is never shown again.</summary>
public sealed record AgentRegistered(AgentView Agent, KeyCreated Key);
