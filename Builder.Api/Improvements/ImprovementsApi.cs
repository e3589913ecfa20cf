using System.Text.Json;
using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using Builder.Core.StateMachines;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Improvements;

public sealed record OpportunityView(
    Guid Id, string Service, string Kind, string? Endpoint, string Summary, JsonElement Evidence, double Impact, string Decision, Guid? FeatureId,
    string? RunStatus, string? Outcome, DateTime? EndedAt);

public sealed record CycleView(
    Guid Id, string State, string Trigger, string TriggeredBy, double AnalysisWindowHours, int MaxImprovements, IReadOnlyList<string> Services,
    IReadOnlyList<string> Notes, double ImpactTotal, DateTime StartedAt, DateTime? EndedAt, double? DurationSeconds, IReadOnlyList<OpportunityView> Opportunities);

/// <summary>Improvement cycles: start one, list them, and read one with its opportunities, runs and outcomes.</summary>
public static class ImprovementsApi
{
    public static void MapImprovementsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/improvements").WithTags("Improvements");
        api.MapPost("/cycles", Start).RequireAuthorization(ApiScopes.ImprovementsWrite)
            .WithSummary("Start an improvement cycle {analysisWindowHours (default 24), maxImprovements (default 1), services?}: the cycle with the opportunities it found and the runs it started.");
        api.MapGet("/cycles", List).RequireAuthorization(ApiScopes.FeaturesRead)
            .WithSummary("The tenant's cycles, newest first (?limit=1-100, default 20).");
        api.MapGet("/cycles/{id:guid}", Get).RequireAuthorization(ApiScopes.FeaturesRead)
            .WithSummary("One cycle: its state, notes (skipped sources, limits), opportunities with evidence, and each run's status and outcome.");
        api.MapGet("/alarms", Alarms).RequireAuthorization(ApiScopes.FeaturesRead)
            .WithSummary("What needs attention: improvement success rate below 70 %, rollback rate above 20 %, a telemetry breaker open, a cycle longer than 5 minutes.");
    }

    public static async Task<Results<Created<CycleView>, ValidationProblem, ProblemHttpResult>> Start(
        StartCycleRequest? request, HttpContext http, ImprovementCycles cycles, BuilderDbContext db, CancellationToken cancellationToken) =>
        await StartAsync(request, http, cycles, db, "api", cancellationToken);

    public static async Task<Results<Created<CycleView>, ValidationProblem, ProblemHttpResult>> StartAsync(
        StartCycleRequest? request, HttpContext http, ImprovementCycles cycles, BuilderDbContext db, string trigger, CancellationToken cancellationToken)
    {
        var started = await cycles.StartAsync(request ?? new StartCycleRequest(null, null, null), http.User, trigger, cancellationToken);
        if (started.Invalid is { } invalid)
            return invalid.Problem();
        if (started.Refused is { } refused)
            return Problems.Conflict("Self-building is off", refused);
        var view = (await ViewsAsync(db, [started.Cycle!], cancellationToken))[0];
        return TypedResults.Created($"/api/improvements/cycles/{view.Id}", view);
    }

    public static async Task<Results<Ok<IReadOnlyList<CycleView>>, ValidationProblem>> List(int? limit, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 100)
            return new Validation().Add("limit", "limit must be from 1 to 100.").Problem();
        var tenantId = http.User.TenantId();
        var cycles = await db.ImprovementCycles.AsNoTracking().Where(c => c.TenantId == tenantId).OrderByDescending(c => c.StartedAt).Take(limit ?? 20)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(await ViewsAsync(db, cycles, cancellationToken));
    }

    public static async Task<Results<Ok<CycleView>, ProblemHttpResult>> Get(Guid id, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        return await db.ImprovementCycles.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.TenantId == tenantId, cancellationToken) is { } cycle
            ? TypedResults.Ok((await ViewsAsync(db, [cycle], cancellationToken))[0])
            : Problems.NotFound($"No improvement cycle {id}.");
    }

    public static async Task<Ok<IReadOnlyList<ImprovementAlarm>>> Alarms(HttpContext http, BuilderDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ImprovementAlarms.ReadAsync(db, http.User.TenantId(), DateTime.UtcNow, cancellationToken));

    public static async Task<IReadOnlyList<CycleView>> ViewsAsync(BuilderDbContext db, IReadOnlyList<ImprovementCycle> cycles, CancellationToken cancellationToken)
    {
        var ids = cycles.Select(c => c.Id).ToList();
        var opportunities = await db.ImprovementOpportunities.AsNoTracking().Where(o => ids.Contains(o.CycleId)).ToListAsync(cancellationToken);
        var featureIds = opportunities.Where(o => o.FeatureId != null).Select(o => o.FeatureId!.Value).ToList();
        var states = await db.FeatureStates.AsNoTracking().Where(s => featureIds.Contains(s.CorrelationId))
            .ToDictionaryAsync(s => s.CorrelationId, s => s.CurrentState, cancellationToken);
        return cycles.Select(c => new CycleView(c.Id, c.State.ToString(), c.Trigger, c.TriggeredBy, c.AnalysisWindowHours, c.MaxImprovements, c.Services, c.Notes,
            c.ImpactTotal, c.StartedAt, c.EndedAt, c.EndedAt is { } ended ? Math.Round((ended - c.StartedAt).TotalSeconds, 1) : null,
            opportunities.Where(o => o.CycleId == c.Id).OrderByDescending(o => o.Impact).Select(o => new OpportunityView(o.Id, o.Service, o.Kind, o.Endpoint,
                o.Summary, JsonDocument.Parse(o.Evidence).RootElement, o.Impact, Decision(o.Decision), o.FeatureId,
                o.FeatureId is { } featureId ? FeatureStatus.Of(states.GetValueOrDefault(featureId)) : null, o.Outcome, o.EndedAt)).ToList())).ToList();
    }

    static string Decision(OpportunityDecision decision) => decision switch
    {
        OpportunityDecision.Started => "started",
        OpportunityDecision.Duplicate => "duplicate",
        OpportunityDecision.OverLimit => "over-limit",
        _ => "not-started",
    };
}
