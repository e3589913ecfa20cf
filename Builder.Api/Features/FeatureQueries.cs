using Builder.Api.Infrastructure;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using Builder.Core.StateMachines;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Features;

/// <summary>A feature with its repository's name and its saga state (null before the run starts).</summary>
public sealed class FeatureRow
{
    public required Feature Feature { get; init; }
    public required string RepositoryName { get; init; }
    public FeatureState? State { get; init; }
}

/// <summary>The tenant's features as the list endpoints read them, and the status filter they share.</summary>
public static class FeatureQueries
{
    /// <param name="archived">The archived runs instead of the others (lists, the board and the inbox show the others).</param>
    public static IQueryable<FeatureRow> ForTenant(BuilderDbContext db, Guid tenantId, bool archived = false) =>
        from f in db.Features.AsNoTracking()
        join r in db.Repositories.AsNoTracking() on f.RepositoryId equals r.Id
        join s in db.FeatureStates.AsNoTracking() on f.Id equals s.CorrelationId into states
        from s in states.DefaultIfEmpty()
        where f.TenantId == tenantId && (archived ? f.ArchivedAt != null : f.ArchivedAt == null)
        select new FeatureRow { Feature = f, RepositoryName = r.Name, State = s };

    /// <summary>The public status a filter names (any case), or null; an unknown one is added to <paramref name="validation"/>.</summary>
    public static string? MatchStatus(string? status, Validation validation)
    {
        if (status is null)
            return null;
        var matched = FeatureStatus.All.FirstOrDefault(s => s.Equals(status, StringComparison.OrdinalIgnoreCase));
        if (matched is null)
            validation.Add("status", $"'{status}' is not a status; use one of {string.Join(", ", FeatureStatus.All)}.");
        return matched;
    }

    public static IQueryable<FeatureRow> WithStatus(this IQueryable<FeatureRow> query, string status)
    {
        var states = FeatureStatus.StatesOf(status);
        return status == FeatureStatus.Requested
            ? query.Where(x => x.State == null || x.State.CurrentState == "Initial")
            : query.Where(x => x.State != null && states.Contains(x.State.CurrentState));
    }
}
