using System.ComponentModel;
using System.Security.Claims;
using Builder.Api.Status;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Builder.Api.Mcp;

// Parameter names are the tools' argument names, so they are snake_case like the tool names.

/// <summary>How Builder is doing, and what its recent runs say. Each tool runs the HTTP endpoint's handler.</summary>
[McpServerToolType]
public sealed class SystemTools(BuilderDbContext db, HealthCheckService health, IConfiguration configuration, IOptions<JsonOptions> json)
{
    [McpServerTool(Name = "get_system_status", Title = "Get system status", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Returns Builder's current state: status (Healthy, Degraded or Unhealthy) and components [{name, status, description}] " +
                 "(database, cache, message bus, ...); runs: your tenant's runs by state {requested, queued, running, awaitingApproval, completed, " +
                 "failed, cancelled, rejected, rolledBack, total}; queueDepth (runs waiting for the pipeline or for a free worker); and workers " +
                 "[{producer, application, host, processId, lastSeenAt}]: the processes that recorded run events in the last 10 minutes. " +
                 "Check it before submitting work, or when runs seem stuck. Needs scope features:read.")]
    public Task<CallToolResult> GetSystemStatus(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        new ApiCall(user, json).RunAsync([ApiScopes.FeaturesRead], http => StatusApi.GetStatus(http, db, health, configuration, cancellationToken));

    [McpServerTool(Name = "query_telemetry_insights", Title = "Query telemetry insights", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Summarises your tenant's runs over the last time_range_hours: outcomes {submitted, completed, failed, rolledBack, cancelled, " +
                 "rejected} of runs that ended in the window; successRate = completed / (completed + failed + rolledBack), null when none ended; " +
                 "phaseDurations [{phase, count, failed, p50Ms, p95Ms, maxMs}]; topFailureReasons (up to 5) [{errorCode, phase, count, example, " +
                 "lastFeatureId, lastSeenAt}]; llm {calls, inputTokens, outputTokens, totalTokens, cost, byModel} from the model calls of " +
                 "Builder's own agent. Use it to see what fails most and where time goes. Needs scope features:read.")]
    public Task<CallToolResult> QueryTelemetryInsights(
        ClaimsPrincipal user,
        [Description("How far back to look, in hours: more than 0, at most 2160 (90 days). Default 24.")] double? time_range_hours = null,
        CancellationToken cancellationToken = default) =>
        new ApiCall(user, json).RunAsync([ApiScopes.FeaturesRead], http => StatusApi.GetInsights(time_range_hours, http, db, cancellationToken));
}
