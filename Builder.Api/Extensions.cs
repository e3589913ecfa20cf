using System.Text.Json;
using System.Text.Json.Serialization;
using Builder.Api.Auth;
using Builder.Api.Environments;
using Builder.Api.Improvements;
using Builder.Api.Infrastructure;
using Builder.Api.Mcp;
using Builder.Api.Reviews;
using Builder.Api.Status;
using Builder.Api.Streaming;
using Builder.Api.Tasks;
using Builder.Api.Tools;
using Builder.Core;
using Builder.Core.Messaging;
using Builder.Worker;
using Builder.Worker.PullRequests;
using Microsoft.AspNetCore.Http.Json;

namespace Builder.Api;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddBuilderCore();
        builder.Services.AddHostedService<BootstrapTenant>();

        var hostWorker = builder.Configuration.HostsWorker();
        if (hostWorker)
        {
            builder.AddPipelineServices();
            builder.AddBuilderMessaging(bus => bus.AddPipeline());
        }
        else
        {
            builder.Services.AddSingleton<CommandRunner>();
            builder.Services.AddSingleton<Git>();
            builder.AddBuilderMessaging();
        }

        builder.Services.AddScoped<FeatureSubmitter>();
        builder.AddImprovements();
        builder.Services.AddScoped<Components.ComponentGenerator>();
        builder.Services.AddScoped<Components.ComponentRemotes>();
        // Components may be created on GitHub or GitLab, by whichever process serves the request.
        builder.AddPullRequestHosts();
        builder.Services.AddScoped<Telemetry.OtlpIngestion>();
        builder.Services.AddSingleton<RequestCounters>();
        builder.Services.AddSingleton<IHealthDetails, RunsHealthDetails>();

        builder.AddLiveProgress();
        builder.Services.AddBuilderAuth(builder.Configuration);
        builder.Services.AddBuilderMcp();
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = Problems.Describe);
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(o =>
        {
            // Enums by name only: a number like 7 would be stored as a mode no code path knows.
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
            // A misspelt or unsupported field would otherwise be dropped silently while the request succeeds.
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        });
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = 32 * 1024 * 1024);
        builder.Services.AddKeyRateLimits(builder.Configuration);
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer<BearerSecurityTransformer>().AddOperationTransformer<RateLimitOpenApiTransformer>());
        return builder;
    }

    /// <summary>Every resource's endpoints; each may answer 429 when its key is over its rate limit.</summary>
    public static IEndpointRouteBuilder MapBuilderApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("").WithRateLimitResponses();
        api.MapMeApi();
        api.MapRepositoriesApi();
        api.MapFeaturesApi();
        api.MapApprovalsApi();
        api.MapArtifactsApi();
        api.MapTestResultsApi();
        api.MapLlmApi();
        api.MapBoardApi();
        api.MapRepositorySettingsApi();
        api.MapAgentsApi();
        api.MapKeysApi();
        api.MapTasksApi();
        api.MapToolsApi();
        api.MapImprovementsApi();
        api.MapFlagsApi();
        Components.ComponentsApi.MapComponentsApi(api);
        api.MapEnvironmentsApi();
        api.MapReviewsApi();
        api.MapLiveProgress();
        api.MapStatusApi();
        api.MapArchiveApi();
        api.MapAuditApi();
        Deployments.ServicesApi.MapServicesApi(api);
        api.MapServiceContract();
        Deployments.ServiceTelemetryApi.MapServiceTelemetryApi(api);
        Telemetry.OtlpApi.MapOtlpApi(api);
        api.MapBuilderMcp();
        return app;
    }
}

/// <summary>Names this assembly's entry point for tests that host the API in-process (the Worker has a Program too).</summary>
public sealed class ApiEntryPoint;
