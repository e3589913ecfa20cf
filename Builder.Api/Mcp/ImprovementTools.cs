using System.ComponentModel;
using System.Security.Claims;
using Builder.Api.Improvements;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Builder.Api.Mcp;

// Parameter names are the tools' argument names, so they are snake_case like the tool names.

/// <summary>The improvement cycle for other agents. Each tool runs the HTTP endpoint's handler.</summary>
[McpServerToolType]
public sealed class ImprovementTools(ImprovementCycles cycles, BuilderDbContext db, IOptions<JsonOptions> json)
{
    [McpServerTool(Name = "trigger_improvement_cycle", Title = "Trigger an improvement cycle", Destructive = false, Idempotent = false, OpenWorld = true)]
    [Description("Reads the telemetry of your tenant's live services over the last analysis_window_hours (Builder's probes of their endpoints, " +
                 "their output's exception types and error lines, restarts, their metrics), finds opportunities (a failing endpoint, a latency " +
                 "regression against the previous version, a crash loop, a recurring exception), and starts a governed run on the service's " +
                 "repository for the best max_improvements of them: Builder's agent writes the fix and its test, the run is verified, deployed, " +
                 "monitored and rolled back if the service gets worse. Unless the AutonomousImprovements flag is on, each run waits at the final " +
                 "gate for approval. Returns the cycle {id, state, notes (sources skipped, limits reached), opportunities [{service, kind, endpoint, " +
                 "summary, evidence, impact, decision, featureId, runStatus, outcome}]}; follow it with GET /api/improvements/cycles/{id}. " +
                 "Refused while the SelfBuilding flag is off. Needs scope improvements:write.")]
    public Task<CallToolResult> TriggerImprovementCycle(
        ClaimsPrincipal user,
        [Description("How far back to read telemetry, in hours: more than 0, at most 2160. Default 24.")] double? analysis_window_hours = null,
        [Description("The most runs this cycle starts. Default 1.")] int? max_improvements = null,
        [Description("Only these services (names from builder.yaml); all of the tenant's by default.")] List<string>? services = null,
        CancellationToken cancellationToken = default) =>
        new ApiCall(user, json).RunAsync([ApiScopes.ImprovementsWrite], http =>
            ImprovementsApi.StartAsync(new StartCycleRequest(analysis_window_hours, max_improvements, services), http, cycles, db, "mcp", cancellationToken));
}
