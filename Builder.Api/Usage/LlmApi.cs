using System.Text.Json;
using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Llm;
using Builder.Core.Persistence;
using Builder.Core.StateMachines;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Builder.Api.Usage;

/// <summary>The agent's model use: usage totals per feature, repository and tenant; a feature's budget; replays of finished runs.</summary>
public static class LlmApi
{
    public static IEndpointRouteBuilder MapLlmApi(this IEndpointRouteBuilder app)
    {
        var features = app.MapGroup("/api/features/{id:guid}").WithTags("Agent");
        features.MapGet("/usage", FeatureUsage).RequireAuthorization(ApiScopes.FeaturesRead)
            .WithSummary("Tokens and cost of the run's model calls, and its limits.");
        features.MapPost("/budget", SetBudget).RequireAuthorization(ApiScopes.ApprovalsWrite)
            .WithSummary("Set the run's token and cost limits; a run paused at the budget gate then continues once approved.");
        features.MapPost("/replay", Replay).RequireAuthorization(ApiScopes.FeaturesWrite)
            .WithSummary("Re-run a finished agent run from its recorded transcripts, with no model, and compare the diff with the delivered one.");
        features.MapGet("/replays/{replayId:guid}", GetReplay).RequireAuthorization(ApiScopes.FeaturesRead);

        app.MapGet("/api/repositories/{id:guid}/usage", RepositoryUsage).WithTags("Agent").RequireAuthorization(ApiScopes.FeaturesRead)
            .WithSummary("Tokens and cost of the model calls of all the repository's runs.");
        app.MapGet("/api/usage", TenantUsage).WithTags("Agent").RequireAuthorization(ApiScopes.FeaturesRead)
            .WithSummary("Tokens and cost of the tenant's model calls, per repository.");
        return app;
    }

    public static async Task<Results<Ok<FeatureUsageView>, ProblemHttpResult>> FeatureUsage(
        Guid id, HttpContext http, BuilderDbContext db, IOptions<BuilderOptions> options, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var feature = await db.Features.AsNoTracking().OfTenant(tenantId, id).FirstOrDefaultAsync(cancellationToken);
        if (feature is null)
            return FeaturesApi.NotFound(id);
        var repository = await db.Repositories.AsNoTracking().FirstAsync(r => r.Id == feature.RepositoryId, cancellationToken);
        var totals = await Totals(db.LlmCalls.Where(c => c.FeatureId == id), cancellationToken);
        var limits = await Limits(db, feature.Id, repository.Settings, options.Value.Llm, cancellationToken);
        var byFunction = await db.LlmCalls.Where(c => c.FeatureId == id).GroupBy(c => c.Function)
            .Select(g => new { Function = g.Key, Calls = g.Count(), Input = g.Sum(c => (long)c.InputTokens), Output = g.Sum(c => (long)c.OutputTokens), Cost = g.Sum(c => c.CostMicros) })
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new FeatureUsageView(id, totals, limits,
            byFunction.OrderBy(f => f.Function).Select(f => new FunctionUsage(f.Function, f.Calls, f.Input, f.Output, Money.FromMicros(f.Cost))).ToList()));
    }

    public static async Task<Results<Ok<UsageTotals>, ProblemHttpResult>> RepositoryUsage(Guid id, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        if (!await db.Repositories.OfTenant(tenantId, id).AnyAsync(cancellationToken))
            return Problems.NotFound($"No repository {id}.");
        return TypedResults.Ok(await Totals(db.LlmCalls.Where(c => c.TenantId == tenantId && c.RepositoryId == id), cancellationToken));
    }

    public static async Task<Ok<TenantUsageView>> TenantUsage(HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var calls = db.LlmCalls.Where(c => c.TenantId == tenantId);
        var perRepository = await calls.GroupBy(c => c.RepositoryId)
            .Select(g => new { RepositoryId = g.Key, Calls = g.Count(), Input = g.Sum(c => (long)c.InputTokens), Output = g.Sum(c => (long)c.OutputTokens), Cost = g.Sum(c => c.CostMicros) })
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new TenantUsageView(await Totals(calls, cancellationToken),
            perRepository.OrderBy(r => r.RepositoryId).Select(r => new RepositoryUsageView(r.RepositoryId, r.Calls, r.Input, r.Output, Money.FromMicros(r.Cost))).ToList()));
    }

    public static async Task<Results<Ok<BudgetView>, ProblemHttpResult, ValidationProblem>> SetBudget(
        Guid id, BudgetRequest? request, HttpContext http, BuilderDbContext db, IOptions<BuilderOptions> options, CancellationToken cancellationToken)
    {
        var validation = new Validation();
        if (request is null || (request.MaxTokens is null && request.MaxCost is null))
            validation.Add("maxTokens", "Give maxTokens, maxCost or both.");
        if (request?.MaxTokens is < 1)
            validation.Add("maxTokens", "maxTokens must be at least 1.");
        if (request?.MaxCost is < 0)
            validation.Add("maxCost", "maxCost must not be negative.");
        if (!validation.IsValid)
            return validation.Problem();

        var tenantId = http.User.TenantId();
        var feature = await db.Features.AsNoTracking().OfTenant(tenantId, id).FirstOrDefaultAsync(cancellationToken);
        if (feature is null)
            return FeaturesApi.NotFound(id);
        var state = await db.FeatureStates.AsNoTracking().FirstOrDefaultAsync(s => s.CorrelationId == id, cancellationToken);
        if (FeatureStatus.IsTerminal(state?.CurrentState))
            return Problems.Conflict("Not allowed in the current state", $"The feature is {FeatureStatus.Of(state!.CurrentState)}; its budget can no longer change.");

        var repository = await db.Repositories.AsNoTracking().FirstAsync(r => r.Id == feature.RepositoryId, cancellationToken);
        var current = await Limits(db, id, repository.Settings, options.Value.Llm, cancellationToken);
        var budget = await db.FeatureBudgets.FirstOrDefaultAsync(b => b.FeatureId == id, cancellationToken);
        if (budget is null)
            db.FeatureBudgets.Add(budget = new FeatureBudget { FeatureId = id, TenantId = tenantId });
        budget.MaxTokens = request!.MaxTokens ?? current.MaxTokens;
        budget.MaxCostMicros = request.MaxCost is { } cost ? Money.ToMicros(cost) : current.MaxCost is { } old ? Money.ToMicros(old) : null;
        budget.UpdatedBy = http.User.Actor();
        budget.UpdatedAt = DateTime.UtcNow;
        AuditLog.Add(db, http.User, "feature.budget_raised", $"feature/{id}", new { budget.MaxTokens, maxCost = request.MaxCost });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new BudgetView(budget.MaxTokens, budget.MaxCostMicros is { } micros ? Money.FromMicros(micros) : null));
    }

    public static async Task<Results<Accepted<ReplayAccepted>, ProblemHttpResult>> Replay(
        Guid id, HttpContext http, BuilderDbContext db, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var feature = await db.Features.AsNoTracking().OfTenant(tenantId, id).FirstOrDefaultAsync(cancellationToken);
        if (feature is null)
            return FeaturesApi.NotFound(id);
        var state = await db.FeatureStates.AsNoTracking().FirstOrDefaultAsync(s => s.CorrelationId == id, cancellationToken);
        if (feature.Author != "agent")
            return Problems.Conflict("Nothing to replay", "The change of this feature came with its request (a draft); only runs of Builder's agent are replayed.");
        if (!FeatureStatus.IsTerminal(state?.CurrentState) || !await db.Artifacts.AnyAsync(a => a.FeatureId == id && a.Name == "change.diff", cancellationToken))
            return Problems.Conflict("Nothing to replay yet", "Only a finished run whose agent produced a change can be replayed.");

        var replayId = Guid.NewGuid();
        await publisher.Publish(new ReplayFeature(id, replayId, http.User.Actor()), cancellationToken);
        var accepted = new ReplayAccepted(replayId, $"/api/features/{id}/replays/{replayId}");
        return TypedResults.Accepted(accepted.StatusUrl, accepted);
    }

    public static async Task<Results<Ok<ReplayView>, ProblemHttpResult>> GetReplay(
        Guid id, Guid replayId, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        if (!await db.Features.OfTenant(tenantId, id).AnyAsync(cancellationToken))
            return FeaturesApi.NotFound(id);
        var key = $"replay:{replayId:N}";
        var done = await db.FeatureEvents.AsNoTracking().FirstOrDefaultAsync(e => e.FeatureId == id && e.Key == key, cancellationToken);
        return TypedResults.Ok(done is null
            ? new ReplayView(replayId, "running", null)
            : new ReplayView(replayId, done.Type == "replay.completed" ? "completed" : "failed", JsonDocument.Parse(done.Payload).RootElement.Clone()));
    }

    static async Task<UsageTotals> Totals(IQueryable<LlmCall> calls, CancellationToken cancellationToken)
    {
        var totals = await calls.GroupBy(c => 1)
            .Select(g => new
            {
                Calls = g.Count(), Cached = g.Count(c => c.Cached), Input = g.Sum(c => (long)c.InputTokens), Output = g.Sum(c => (long)c.OutputTokens),
                Cost = g.Sum(c => c.CostMicros),
            })
            .FirstOrDefaultAsync(cancellationToken);
        return totals is null
            ? new UsageTotals(0, 0, 0, 0, 0, 0)
            : new UsageTotals(totals.Calls, totals.Cached, totals.Input, totals.Output, totals.Input + totals.Output, Money.FromMicros(totals.Cost));
    }

    static async Task<BudgetView> Limits(BuilderDbContext db, Guid featureId, Core.Domain.RepositorySettings settings, LlmOptions options, CancellationToken cancellationToken)
    {
        var own = await db.FeatureBudgets.AsNoTracking().FirstOrDefaultAsync(b => b.FeatureId == featureId, cancellationToken);
        return new BudgetView(
            own?.MaxTokens ?? settings.Llm?.MaxTokensPerFeature ?? options.MaxTokensPerFeature,
            own?.MaxCostMicros is { } micros ? Money.FromMicros(micros) : settings.Llm?.MaxCostPerFeature ?? options.MaxCostPerFeature);
    }
}

public sealed record BudgetRequest(long? MaxTokens, decimal? MaxCost);

public sealed record BudgetView(long? MaxTokens, decimal? MaxCost);

public sealed record UsageTotals(int Calls, int CachedCalls, long InputTokens, long OutputTokens, long TotalTokens, decimal Cost);

public sealed record FunctionUsage(string Function, int Calls, long InputTokens, long OutputTokens, decimal Cost);

public sealed record FeatureUsageView(Guid FeatureId, UsageTotals Totals, BudgetView Limits, IReadOnlyList<FunctionUsage> ByFunction);

public sealed record RepositoryUsageView(Guid RepositoryId, int Calls, long InputTokens, long OutputTokens, decimal Cost);

public sealed record TenantUsageView(UsageTotals Totals, IReadOnlyList<RepositoryUsageView> ByRepository);

public sealed record ReplayAccepted(Guid ReplayId, string StatusUrl);

public sealed record ReplayView(Guid ReplayId, string Status, JsonElement? Result);
