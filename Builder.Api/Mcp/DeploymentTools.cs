using System.ComponentModel;
using System.Security.Claims;
using Builder.Api.Deployments;
using Builder.Api.Infrastructure;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using MassTransit;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Builder.Api.Mcp;

// Parameter names are the tools' argument names, so they are snake_case like the tool names.

/// <summary>What runs deployed: rolling a live version back. Each tool runs the HTTP endpoint's handler.</summary>
[McpServerToolType]
public sealed class DeploymentTools(BuilderDbContext db, IPublishEndpoint publisher, IOptions<JsonOptions> json)
{
    [McpServerTool(Name = "rollback", Title = "Roll a deployed service back", Destructive = true, Idempotent = true, OpenWorld = true)]
    [Description("Gives a service's stable address back to the version the live one replaced, while that version is still kept warm; the " +
                 "live version is stopped and marked rolled back. Name the service, or the run (feature_id) whose deployed version to roll " +
                 "back. Returns {service, from, to, status: \"rolling-back\" (a worker is switching) or \"rolled-back\" (already done), " +
                 "stableUrl, featureId}; get the service's versions from GET /api/services/{name}/versions to follow it. Needs scope approvals:write.")]
    public Task<CallToolResult> Rollback(
        ClaimsPrincipal user,
        [Description("The service's name, as builder.yaml declares it. Give this or feature_id.")] string? service = null,
        [Description("The run (UUID) that deployed the live version. Give this or service.")] Guid? feature_id = null,
        [Description("Why; recorded in the audit log and the run's events.")] string? reason = null,
        CancellationToken cancellationToken = default)
    {
        var call = new ApiCall(user, json);
        var request = new RollbackRequest(reason);
        return (service, feature_id) switch
        {
            ({ } name, null) => call.RunAsync([ApiScopes.ApprovalsWrite], http => ServicesApi.Rollback(name, request, http, db, publisher, cancellationToken)),
            (null, { } id) => call.RunAsync([ApiScopes.ApprovalsWrite], http => ServicesApi.RollbackFeature(id, request, http, db, publisher, cancellationToken)),
            _ => call.RunAsync([ApiScopes.ApprovalsWrite], _ => Task.FromResult(
                new Validation().Add("service", "Give either service or feature_id: the service to roll back, or the run whose deployed version to roll back.").Problem())),
        };
    }
}
