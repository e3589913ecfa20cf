using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Deployments;

/// <summary>
/// Asks a worker to give a service's stable address back to the version the live one replaced. The same
/// request whether it names the service or the run that deployed the live version.
/// </summary>
public static class ServiceRollback
{
    public static async Task<Results<Accepted<RollbackAccepted>, ProblemHttpResult>> RequestAsync(
        DeployedService service, ServiceVersion live, string? reason, HttpContext http, BuilderDbContext db, IPublishEndpoint publisher,
        CancellationToken cancellationToken)
    {
        var previous = await db.ServiceVersions.AsNoTracking()
            .Where(v => v.ServiceId == service.Id && v.Number < live.Number && v.State == ServiceVersionState.Standby)
            .OrderByDescending(v => v.Number).FirstOrDefaultAsync(cancellationToken);
        if (previous is null)
            return Problems.Conflict("Nothing to roll back to", $"No earlier version of '{service.Name}' is kept warm; its rollback window is over.");

        Audit.AuditLog.Add(db, http.User, "service.rollback_requested", $"service/{service.Name}", new { from = live.Number, to = previous.Number, reason });
        await db.SaveChangesAsync(cancellationToken);
        await publisher.Publish(new ServiceRollbackRequested(service.Id, live.Id, previous.Id, http.User.Actor(), reason), cancellationToken);
        return TypedResults.Accepted($"/api/services/{service.Name}",
            new RollbackAccepted(service.Name, live.Number, previous.Number, "rolling-back", service.StableUrl, live.FeatureId));
    }
}

/// <param name="Status">rolling-back when a worker was asked to switch; rolled-back when the run's version was already rolled back.</param>
/// <param name="StableUrl">The service's stable address: it answers from the restored version once the switch is done.</param>
/// <param name="FeatureId">The run that deployed the version rolled back.</param>
public sealed record RollbackAccepted(string Service, int From, int To, string Status, string StableUrl, Guid FeatureId);
