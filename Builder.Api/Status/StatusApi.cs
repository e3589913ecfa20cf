using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core.Domain;
using Builder.Core.Messaging;
using Builder.Core.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Builder.Api.Status;

/// <summary>The system at a glance and what its recent runs say: for the CLI's `builder status`, dashboards and agents.</summary>
public static class StatusApi
{
    public static RouteGroupBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Status").RequireAuthorization(ApiScopes.FeaturesRead);
        api.MapGet("/status", GetStatus)
            .WithSummary("Health of each component, the tenant's runs by state, the queue depth (runs waiting for the pipeline or a worker), " +
                         "the processes that appended run events in the last 10 minutes, runs ended per hour over 24 hours and phase durations.");
        // The dashboard's older route: the same handler and the same record.
        api.MapGet("/system/status", GetStatus).ExcludeFromDescription();
        api.MapGet("/insights", GetInsights)
            .WithSummary("Over the last timeRangeHours (default 24): run outcomes and success rate, phase durations (p50/p95), " +
                         "the top failure reasons and model usage (tokens, cost).");
        return api;
    }

    public static async Task<Ok<SystemStatus>> GetStatus(
        HttpContext http, BuilderDbContext db, HealthCheckService health, IConfiguration configuration, CancellationToken cancellationToken) =>
        TypedResults.Ok(await SystemStatusReader.ReadAsync(http.User.TenantId(), db, health, configuration.HostsWorker(), cancellationToken));

    public static async Task<Results<Ok<TelemetryInsights>, ValidationProblem>> GetInsights(
        double? timeRangeHours, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var hours = timeRangeHours ?? 24;
        if (!(hours > 0 && hours <= TelemetryInsightsReader.MaxHours))
            return new Validation().Add("timeRangeHours", $"timeRangeHours must be more than 0 and at most {TelemetryInsightsReader.MaxHours} (90 days).").Problem();
        return TypedResults.Ok(await TelemetryInsightsReader.ReadAsync(http.User.TenantId(), hours, db, cancellationToken));
    }
}
