using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using Builder.Core.StateMachines;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Features;

/// <summary>
/// What a dashboard's feature list needs in one call: a filtered page, the count of each status
/// under the same filters, and who has submitted features (for the author filter).
/// </summary>
public static class BoardApi
{
    public static RouteHandlerBuilder MapBoardApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/board", GetBoard).RequireAuthorization(ApiScopes.FeaturesRead).WithTags("Features")
            .WithSummary("A page of features filtered by status, repository, author and title, with the count of each status.");

    public static async Task<Results<Ok<BoardView>, ValidationProblem>> GetBoard(
        HttpContext http, BuilderDbContext db, string? status, Guid? repositoryId, string? requestedBy, string? q, string? order,
        int? page, int? pageSize, CancellationToken cancellationToken)
    {
        var validation = new Validation();
        var matched = FeatureQueries.MatchStatus(status, validation);
        if (order is not null && order is not ("newest" or "oldest"))
            validation.Add("order", "order is newest (the default) or oldest.");
        if (page is < 1)
            validation.Add("page", "page starts at 1.");
        if (pageSize is < 1 or > 200)
            validation.Add("pageSize", "pageSize must be between 1 and 200.");
        if (q is { Length: > 300 })
            validation.Add("q", "q is longer than 300 characters.");
        if (!validation.IsValid)
            return validation.Problem();

        var tenantId = http.User.TenantId();
        var query = FeatureQueries.ForTenant(db, tenantId);
        if (repositoryId is not null)
            query = query.Where(x => x.Feature.RepositoryId == repositoryId);
        if (!string.IsNullOrWhiteSpace(requestedBy))
            query = query.Where(x => x.Feature.RequestedBy == requestedBy);
        if (!string.IsNullOrWhiteSpace(q))
        {
            var needle = q.Trim().ToLower();
            query = query.Where(x => x.Feature.Title.ToLower().Contains(needle));
        }

        // Counts ignore the status filter, so the status buttons say what choosing each would list.
        var byState = await query.GroupBy(x => x.State == null ? "Initial" : x.State.CurrentState)
            .Select(g => new { State = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var counts = FeatureStatus.All.ToDictionary(s => s, _ => 0);
        foreach (var row in byState)
            counts[FeatureStatus.Of(row.State)] += row.Count;

        if (matched is not null)
            query = query.WithStatus(matched);

        var size = pageSize ?? 50;
        var number = page ?? 1;
        var total = matched is null ? counts.Values.Sum() : counts[matched];
        var ordered = order == "oldest"
            ? query.OrderBy(x => x.Feature.CreatedAt).ThenBy(x => x.Feature.Id)
            : query.OrderByDescending(x => x.Feature.CreatedAt).ThenBy(x => x.Feature.Id);
        var rows = await ordered.Skip((number - 1) * size).Take(size).ToListAsync(cancellationToken);

        var authors = await db.Features.AsNoTracking().Where(f => f.TenantId == tenantId)
            .Select(f => f.RequestedBy).Distinct().OrderBy(a => a).Take(200).ToListAsync(cancellationToken);

        return TypedResults.Ok(new BoardView(
            rows.Select(x => FeatureViews.Summary(x.Feature, x.RepositoryName, x.State)).ToList(), number, size, total, counts, authors));
    }
}

/// <param name="Counts">Features per status under the repository, author and title filters (not the status filter).</param>
/// <param name="Authors">Everyone who has submitted a feature in this tenant, for an author filter.</param>
public sealed record BoardView(
    IReadOnlyList<FeatureSummary> Items, int Page, int PageSize, int Total, IReadOnlyDictionary<string, int> Counts, IReadOnlyList<string> Authors);
