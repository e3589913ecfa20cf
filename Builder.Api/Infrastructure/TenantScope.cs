using Builder.Core.Domain;

namespace Builder.Api.Infrastructure;

/// <summary>
/// The one way endpoints find a tenant's feature or repository by id: another tenant's rows are
/// never found (the caller then answers 404, never 403, so ids do not leak across tenants).
/// </summary>
public static class TenantScope
{
    /// <summary>The tenant's feature with this id; archived runs included, since by id everything stays readable.</summary>
    public static IQueryable<Feature> OfTenant(this IQueryable<Feature> features, Guid tenantId, Guid id) =>
        features.Where(f => f.Id == id && f.TenantId == tenantId);

    /// <summary>The tenant's repository with this id, unless it was removed.</summary>
    public static IQueryable<Repository> OfTenant(this IQueryable<Repository> repositories, Guid tenantId, Guid id) =>
        repositories.Where(r => r.Id == id && r.TenantId == tenantId && r.RemovedAt == null);
}
