using Builder.Core.Llm;
using Builder.Core.Persistence;
using Builder.Worker.Agent.Llm;
using Microsoft.EntityFrameworkCore;

namespace Builder.Worker.Agent;

/// <summary>A feature's limits and what it has used, as of the start of a step (limits change only while the run waits at the gate).</summary>
public sealed class Budget(Guid featureId, long? maxTokens, long? maxCostMicros, long usedTokens, long usedCostMicros)
{
    public long? MaxTokens { get; } = maxTokens;
    public long? MaxCostMicros { get; } = maxCostMicros;
    public long UsedTokens { get; private set; } = usedTokens;
    public long UsedCostMicros { get; private set; } = usedCostMicros;

    public static async Task<Budget> LoadAsync(IDbContextFactory<BuilderDbContext> dbFactory, Guid featureId, LlmSettings settings, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var own = await db.FeatureBudgets.AsNoTracking().FirstOrDefaultAsync(b => b.FeatureId == featureId, cancellationToken);
        var used = await db.LlmCalls.Where(c => c.FeatureId == featureId)
            .GroupBy(c => 1).Select(g => new { Tokens = g.Sum(c => (long)c.InputTokens + c.OutputTokens), Cost = g.Sum(c => c.CostMicros) })
            .FirstOrDefaultAsync(cancellationToken);
        return new Budget(featureId, own?.MaxTokens ?? settings.MaxTokens, own?.MaxCostMicros ?? (settings.MaxCost is { } cost ? Money.ToMicros(cost) : null),
            used?.Tokens ?? 0, used?.Cost ?? 0);
    }

    /// <summary>Refuses a call that could take the feature past a limit, counting its whole output allowance.</summary>
    public void Check(int inputTokens, int maxOutputTokens, long worstCostMicros)
    {
        var next = (long)inputTokens + maxOutputTokens;
        if (MaxTokens is { } tokens && UsedTokens + next > tokens)
            throw new BudgetExceededException(
                $"The next model call (up to {next:N0} tokens) could take the feature past its token limit: {UsedTokens:N0} of {tokens:N0} used. " +
                $"Raise the limit (POST /api/features/{featureId}/budget) and approve, or reject.");
        if (MaxCostMicros is { } cost && UsedCostMicros + worstCostMicros > cost)
            throw new BudgetExceededException(
                $"The next model call (up to {Money.FromMicros(worstCostMicros):0.####}) could take the feature past its cost limit: " +
                $"{Money.FromMicros(UsedCostMicros):0.####} of {Money.FromMicros(cost):0.####} used. Raise the limit (POST /api/features/{featureId}/budget) and approve, or reject.");
    }

    public void Add(long tokens, long costMicros)
    {
        UsedTokens += tokens;
        UsedCostMicros += costMicros;
    }
}
