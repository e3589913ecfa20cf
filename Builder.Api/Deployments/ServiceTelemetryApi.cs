using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using Builder.Worker.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Deployments;

public sealed record EndpointTelemetry(int Version, string Endpoint, int Requests, int Failures, double ErrorRatePercent, double P50Ms, double P95Ms);

public sealed record SourceState(int Version, string Source, DateTime LastReadAt, string? Error);

public sealed record TelemetryPoint(
    int Version, string Source, string? Endpoint, DateTime From, DateTime To, int Requests, int Failures, double P50Ms, double P95Ms, double P99Ms,
    IReadOnlyDictionary<string, int> Statuses, IReadOnlyList<TelemetrySignal> Signals, string? Error);

public sealed record ServiceTelemetryView(
    string Service, double Hours, IReadOnlyList<EndpointTelemetry> Endpoints, IReadOnlyList<SourceState> Sources, IReadOnlyList<TelemetryPoint> Samples);

/// <summary>A service's stored telemetry over time: per version and endpoint, the state of each source, and the samples themselves.</summary>
public static class ServiceTelemetryApi
{
    const int MaxSamples = 2000;

    public static void MapServiceTelemetryApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/services/{name}/telemetry", Get).WithTags("Services").RequireAuthorization(ApiScopes.FeaturesRead)
            .WithSummary("What Builder read of the service over the last ?hours= (default 1, at most 168): totals per version and endpoint, each source's last reading, and up to 2000 samples, newest first.");

    public static async Task<Results<Ok<ServiceTelemetryView>, ValidationProblem, ProblemHttpResult>> Get(
        string name, double? hours, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        if (hours is <= 0 or > 168)
            return new Validation().Add("hours", "hours must be more than 0 and at most 168.").Problem();
        var tenantId = http.User.TenantId();
        if (await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name && s.TenantId == tenantId, cancellationToken) is not { } service)
            return Problems.NotFound($"No service named '{name}' is deployed in this tenant.");

        var window = hours ?? 1;
        var since = DateTime.UtcNow - TimeSpan.FromHours(window);
        var numbers = await db.ServiceVersions.AsNoTracking().Where(v => v.ServiceId == service.Id).ToDictionaryAsync(v => v.Id, v => v.Number, cancellationToken);
        var samples = await db.TelemetrySamples.AsNoTracking().Where(s => s.ServiceId == service.Id && s.To >= since)
            .OrderByDescending(s => s.To).Take(MaxSamples).ToListAsync(cancellationToken);

        var endpoints = samples.Where(s => s.Source == TelemetrySources.Probe && s.Endpoint is not null)
            .GroupBy(s => (Version: numbers.GetValueOrDefault(s.VersionId), Endpoint: s.Endpoint!))
            .OrderBy(g => g.Key.Version).ThenBy(g => g.Key.Endpoint, StringComparer.Ordinal)
            .Select(g =>
            {
                var (requests, failures) = (g.Sum(s => s.Requests), g.Sum(s => s.Failures));
                return new EndpointTelemetry(g.Key.Version, g.Key.Endpoint, requests, failures, requests == 0 ? 0 : Math.Round(100.0 * failures / requests, 2),
                    Percentiles.Median(g.Select(s => s.P50Ms)), Percentiles.Median(g.Select(s => s.P95Ms)));
            }).ToList();
        var sources = samples.GroupBy(s => (Version: numbers.GetValueOrDefault(s.VersionId), s.Source)).Select(g => g.MaxBy(s => s.To)!)
            .OrderBy(s => numbers.GetValueOrDefault(s.VersionId)).ThenBy(s => s.Source, StringComparer.Ordinal)
            .Select(s => new SourceState(numbers.GetValueOrDefault(s.VersionId), s.Source, s.To, s.Error)).ToList();
        var points = samples.Select(s => new TelemetryPoint(numbers.GetValueOrDefault(s.VersionId), s.Source, s.Endpoint, s.From, s.To, s.Requests, s.Failures,
            s.P50Ms, s.P95Ms, s.P99Ms, s.Statuses, s.Signals, s.Error)).ToList();
        return TypedResults.Ok(new ServiceTelemetryView(service.Name, window, endpoints, sources, points));
    }
}
