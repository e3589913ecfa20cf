using System.ComponentModel;
using System.Security.Claims;
using Builder.Api.Components;
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
public sealed class ImprovementTools(ImprovementCycles cycles, ComponentGenerator components, BuilderDbContext db, IOptions<JsonOptions> json)
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

    [McpServerTool(Name = "generate_component", Title = "Generate a service", Destructive = false, Idempotent = false, OpenWorld = true)]
    [Description("Creates a new service from requirements: a new repository seeded from Builder's template for the runtime (it already answers " +
                 "GET /health, /capabilities, /state, /dependencies and POST /message, with a test and a builder.yaml), registers it in your " +
                 "tenant, and starts a governed run in which Builder's agent implements the description, capabilities and spec; the run is " +
                 "verified and deploys the service. Unless the AutonomousImprovements flag is on, the run waits at the final gate for approval. " +
                 "With hosting {host, owner?, token, visibility?} the repository is created on GitHub or GitLab through their APIs with that token " +
                 "(kept encrypted for the run's pushes and pull requests); without it, a local bare repository. " +
                 "Returns {name, runtime, repositoryId, repositoryUrl, repositoryWebUrl, featureId, featureUrl, approval}; follow the run with get_feature. " +
                 "Refused while the SelfBuilding or ComponentGeneration flag is off. Needs scope improvements:write.")]
    public Task<CallToolResult> GenerateComponent(
        ClaimsPrincipal user,
        [Description("The service's name: lowercase letters, digits and dashes, starting with a letter, at most 40. Names the repository and the service.")] string name,
        [Description("What the service is for, one line.")] string description,
        [Description("What it must be able to do, one line each.")] List<string>? capabilities = null,
        [Description("node (default) or python.")] string? runtime = null,
        [Description("A SPEC document (Markdown) with the requirements in full, at most 64 KiB.")] string? spec = null,
        [Description("Where to create the repository: {host: github.com, gitlab.com or a host named in Builder:Hosting:Hosts; owner: organization or group " +
                     "(absent: the token's account); token: one allowed to create repositories; visibility: private (default), public, internal (GitLab)}.")]
        ComponentHosting? hosting = null,
        CancellationToken cancellationToken = default) =>
        new ApiCall(user, json).RunAsync([ApiScopes.ImprovementsWrite], http =>
            ComponentsApi.Generate(new GenerateComponentRequest(name, description, capabilities, runtime, spec, hosting), http, components, cancellationToken));
}
