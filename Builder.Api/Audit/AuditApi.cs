using System.Text.Json;
using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Audit;

/// <summary>GET /api/audit: who did what with which key in this tenant, newest first.</summary>
public static class AuditApi
{
    public static RouteHandlerBuilder MapAuditApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/audit", ListEntries).RequireAuthorization(ApiScopes.Admin).WithTags("Audit")
            .WithSummary("The tenant's audit log, newest first; filter by action (e.g. key.revoked), actor or target (e.g. feature/<id>).");

    public static async Task<Results<Ok<AuditPage>, ValidationProblem>> ListEntries(
        HttpContext http, BuilderDbContext db, string? action, string? actor, string? target, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        var validation = new Validation();
        if (page is < 1)
            validation.Add("page", "page starts at 1.");
        if (pageSize is < 1 or > 500)
            validation.Add("pageSize", "pageSize is between 1 and 500.");
        if (!validation.IsValid)
            return validation.Problem();

        var tenantId = http.User.TenantId();
        var query = db.AuditEntries.AsNoTracking().Where(e => e.TenantId == tenantId);
        if (!string.IsNullOrWhiteSpace(action))
            query = query.Where(e => e.Action == action);
        if (!string.IsNullOrWhiteSpace(actor))
            query = query.Where(e => e.Actor == actor);
        if (!string.IsNullOrWhiteSpace(target))
            query = query.Where(e => e.Target == target);

        var size = pageSize ?? 100;
        var number = page ?? 1;
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .Skip((number - 1) * size).Take(size).ToListAsync(cancellationToken);
        return TypedResults.Ok(new AuditPage(number, size, total, rows.Select(e => new AuditEntryView(
            e.At, e.Actor, e.KeyId, e.Action, e.Target, e.Details is null ? null : JsonDocument.Parse(e.Details).RootElement.Clone())).ToList()));
    }
}

public sealed record AuditEntryView(DateTime At, string Actor, Guid? KeyId, string Action, string Target, JsonElement? Details);

public sealed record AuditPage(int Page, int PageSize, int Total, IReadOnlyList<AuditEntryView> Entries);
