using System.Reflection;
using System.Text.Json;
using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Core.Messaging;
using Builder.Core.Persistence;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Builder.Api.ServiceContract;

/// <summary>
/// The contract every service of the mesh Builder came from answers (besides /health): what it can do, how
/// it is doing, what it depends on, and a command envelope. Builder answers it too, so the same monitors
/// and agents that watch deployed services can watch Builder.
/// </summary>
public static class ServiceContractApi
{
    public const string ServiceName = "builder";

    /// <summary>The toolchains Builder detects and runs; the deploy targets it knows.</summary>
    static readonly string[] Toolchains = ["dotnet", "node", "python", "go", "make"];
    static readonly string[] DeployTargets = ["local"];
    static readonly string[] Actions = ["build", "status", "cancel"];

    public static string Version { get; } =
        typeof(ServiceContractApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "1.0.0";

    public static void MapServiceContract(this IEndpointRouteBuilder app)
    {
        var contract = app.MapGroup("").WithTags("Service contract");
        contract.MapGet("/capabilities", GetCapabilities).AllowAnonymous()
            .WithSummary("What Builder can do: features, toolchains, deploy targets, message actions and limits.");
        contract.MapGet("/state", GetState).RequireAuthorization(ApiScopes.FeaturesRead)
            .WithSummary("Uptime, requests served and server errors in the last hour; the caller's runs active, queued, completed and failed today (UTC).");
        contract.MapGet("/dependencies", GetDependencies).RequireAuthorization(ApiScopes.FeaturesRead)
            .WithSummary("Required (database, message broker) and optional (cache, model endpoint) dependencies: available, unavailable or not configured.");
        contract.MapPost("/message", PostMessage).RequireAuthorization(ApiScopes.FeaturesRead)
            .WithSummary("A command envelope {traceId, source, target, messageType: \"command\", payload: {action, ...}, timestamp}: " +
                         "build (payload.feature as POST /api/features takes it; needs features:write), status or cancel (payload.featureId; cancel needs features:write).")
            .Produces<MessageAcknowledged>().ProducesProblem(StatusCodes.Status400BadRequest);
    }

    public static Ok<Capabilities> GetCapabilities(IOptions<BuilderOptions> options, IConfiguration configuration)
    {
        var o = options.Value;
        return TypedResults.Ok(new Capabilities(ServiceName, Version,
            ["feature_runs", "external_drafts", "own_agent", "test_integrity", "approvals", "pull_requests", "deployment", "health_gate", "rollback", "mcp"],
            configuration.HasBroker() ? ["database", "broker", "cache"] : ["database"],
            Toolchains, DeployTargets, Actions,
            new CapabilityLimits(o.Worker.MaxConcurrentRuns, o.Limits.MaxDraftFiles, o.Limits.MaxFileBytes),
            o.Llm.Provider));
    }

    public static async Task<Ok<ServiceState>> GetState(HttpContext http, BuilderDbContext db, RequestCounters counters, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var now = clock.GetUtcNow();
        var today = now.UtcDateTime.Date;
        // The same counts as GET /api/status: active = in a phase or handed to the workers; queued = not picked up yet.
        var runs = await Status.SystemStatusReader.CountRunsAsync(tenantId, db, cancellationToken);
        var states = db.FeatureStates.AsNoTracking().Where(s => s.TenantId == tenantId && s.UpdatedAt >= today);
        var completed = await states.CountAsync(s => s.CurrentState == "Completed", cancellationToken);
        var failed = await states.CountAsync(s => s.CurrentState == "Failed", cancellationToken);
        return TypedResults.Ok(new ServiceState(Math.Round((now - counters.StartedAt).TotalSeconds, 1), counters.Total, counters.ErrorsLastHour(),
            counters.StartedAt, runs.Running + runs.Queued, runs.Requested, completed, failed));
    }

    public static async Task<Ok<DependencyReport>> GetDependencies(HealthCheckService health, IOptions<BuilderOptions> options, IConfiguration configuration,
        CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(r => !r.Tags.Contains("live"), cancellationToken);
        var checks = report.Entries.Select(e => (Kind: Status.SystemStatusReader.Kind(e.Key), e.Value)).ToList();
        DependencyStatus Of(string kind, string name, bool inProcess, string inProcessDetail)
        {
            var found = checks.Where(c => c.Kind == kind).ToList();
            if (found.Count == 0)
                return new DependencyStatus(name, inProcess ? "available" : "not configured", inProcess ? inProcessDetail : null);
            var healthy = found.All(c => c.Value.Status == HealthStatus.Healthy);
            return new DependencyStatus(name, healthy ? "available" : "unavailable",
                string.Join("; ", found.Select(c => c.Value.Description ?? c.Value.Exception?.Message).OfType<string>()));
        }

        var embedded = configuration.HostsWorker() && !configuration.HasBroker();
        List<DependencyStatus> required =
        [
            Of("database", "database", false, ""),
            Of("broker", "broker", embedded, "in-memory transport inside the Api process"),
        ];
        var llm = options.Value.Llm;
        List<DependencyStatus> optional =
        [
            Of("cache", "cache", true, "in-process memory cache"),
            llm.Provider is null
                ? new DependencyStatus("model endpoint", "not configured", "Builder's own agent needs Builder:Llm; drafts from other agents work without it.")
                : new DependencyStatus("model endpoint", "available", $"{llm.Provider} at {llm.Endpoint?.ToString() ?? "its public endpoint"} (configured; not probed)"),
        ];
        return TypedResults.Ok(new DependencyReport(required, optional, required.Where(d => d.Status != "available").Select(d => d.Name).ToList()));
    }

    public static async Task<IResult> PostMessage(
        MessageEnvelope envelope, HttpContext http, IServiceProvider services, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var validation = new Validation();
        if (envelope.TraceId is null || envelope.TraceId == Guid.Empty)
            validation.Add("traceId", "traceId is required: a UUID that ties the command to its answer and the run's events.");
        if (envelope.MessageType is not "command")
            validation.Add("messageType", "messageType must be \"command\"; Builder takes no other kind of message.");
        if (envelope.Target is { } target && !string.Equals(target, ServiceName, StringComparison.OrdinalIgnoreCase))
            validation.Add("target", $"This is '{ServiceName}', not '{target}'.");
        var payload = envelope.Payload is { ValueKind: JsonValueKind.Object } p ? p : (JsonElement?)null;
        var action = payload?.TryGetProperty("action", out var a) == true && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        if (payload is null)
            validation.Add("payload", "payload is required: an object with an action (build, status or cancel).");
        else if (action is null || !Actions.Contains(action))
            validation.Add("payload.action", $"payload.action must be one of {string.Join(", ", Actions)}.");
        if (!validation.IsValid)
            return validation.Problem();

        if (action is "build" or "cancel" && !http.User.HasScope(ApiScopes.FeaturesWrite))
            return Problems.Forbidden($"The action '{action}' needs the scope {ApiScopes.FeaturesWrite}.");

        var result = action switch
        {
            "build" => await BuildAsync(payload!.Value, http, services, json.Value.SerializerOptions, cancellationToken),
            "status" => FeatureId(payload!.Value) is { } id
                ? await Features.FeaturesApi.GetFeature(id, http, services.GetRequiredService<BuilderDbContext>(), cancellationToken)
                : MissingFeatureId(),
            _ => FeatureId(payload!.Value) is { } cancelId
                ? await Approvals.ApprovalsApi.Cancel(cancelId, new CancelRequest(Text(payload!.Value, "reason")), http,
                    services.GetRequiredService<BuilderDbContext>(), services.GetRequiredService<FeatureEventLog>(),
                    services.GetRequiredService<IPublishEndpoint>(), cancellationToken)
                : MissingFeatureId(),
        };

        // The action's own refusal is the answer as it is; its success is acknowledged with the trace id.
        var inner = result is INestedHttpResult nested ? nested.Result : result;
        if (inner is IStatusCodeHttpResult { StatusCode: >= 400 })
            return inner;
        return TypedResults.Ok(new MessageAcknowledged(envelope.TraceId!.Value, action!, (inner as IStatusCodeHttpResult)?.StatusCode ?? 200,
            (inner as IValueHttpResult)?.Value));
    }

    static async Task<IResult> BuildAsync(JsonElement payload, HttpContext http, IServiceProvider services, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        if (!payload.TryGetProperty("feature", out var feature) || feature.ValueKind != JsonValueKind.Object)
            return new Validation().Add("payload.feature", "payload.feature is required for build: the feature request as POST /api/features takes it.").Problem();
        SubmitFeatureRequest? request;
        try
        {
            request = feature.Deserialize<SubmitFeatureRequest>(json);
        }
        catch (JsonException ex)
        {
            return new Validation().Add("payload.feature", $"payload.feature is not a feature request: {ex.Message}").Problem();
        }

        return await Features.FeaturesApi.SubmitFeature(request!, http, idempotencyKey: null, services.GetRequiredService<FeatureSubmitter>(), cancellationToken);
    }

    static Guid? FeatureId(JsonElement payload) =>
        payload.TryGetProperty("featureId", out var id) && id.ValueKind == JsonValueKind.String && Guid.TryParse(id.GetString(), out var parsed) && parsed != Guid.Empty
            ? parsed
            : null;

    static string? Text(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    static IResult MissingFeatureId() => new Validation().Add("payload.featureId", "payload.featureId is required: the run's id (a UUID).").Problem();
}
