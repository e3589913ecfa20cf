using Builder.Core.Persistence;
using Builder.Core.StateMachines;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.ServiceContract;

/// <summary>Adds to GET /health what the service contract asks of it: how many runs are in a phase now, across tenants.</summary>
public sealed class RunsHealthDetails(IServiceScopeFactory scopes) : IHealthDetails
{
    static readonly string[] Running = [.. FeatureStatus.StatesOf(FeatureStatus.Running)];

    public async Task<IReadOnlyDictionary<string, object?>> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BuilderDbContext>();
            return new Dictionary<string, object?> { ["activeRuns"] = await db.FeatureStates.CountAsync(s => Running.Contains(s.CurrentState), cancellationToken) };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The database check already says why; the count is then unknown, not zero.
            return new Dictionary<string, object?> { ["activeRuns"] = null };
        }
    }
}
