using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Core.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Builder.Worker.Deployment;

/// <summary>
/// A manual rollback: the stable address goes back to the standby version, the live one is stopped and
/// marked rolled back. A repeated request finds the route already switched and only completes the marks.
/// The events go to the run that deployed the rolled-back version.
/// </summary>
public sealed class ServiceRollbackConsumer(
    IDbContextFactory<BuilderDbContext> dbFactory, DeployTargets targets, ServiceRegistry registry, FeatureEventLog events, ILogger<ServiceRollbackConsumer> logger)
    : IConsumer<ServiceRollbackRequested>
{
    public async Task Consume(ConsumeContext<ServiceRollbackRequested> context)
    {
        var request = context.Message;
        await using var db = await dbFactory.CreateDbContextAsync(context.CancellationToken);
        var service = await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Id == request.ServiceId, context.CancellationToken);
        var from = await db.ServiceVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Id == request.FromVersionId, context.CancellationToken);
        var to = await db.ServiceVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Id == request.ToVersionId, context.CancellationToken);
        if (service is null || from is null || to?.Url is null)
            return;

        var target = targets.For(service.Target);
        if (!await target.IsRunningAsync(to.Id, context.CancellationToken))
        {
            logger.LogWarning("Rollback of {Service} to version {Version} refused: that version no longer runs on this worker", service.Name, to.Number);
            await RecordAsync(from, EventTypes.RollbackCompleted, new { service = service.Name, version = from.Number, restored = (int?)null, outcome = $"version {to.Number} no longer runs" });
            return;
        }

        var reason = $"rolled back by {request.By}{(string.IsNullOrWhiteSpace(request.Reason) ? "" : ": " + request.Reason)}";
        await RecordAsync(from, EventTypes.RollbackStarted, new { service = service.Name, version = from.Number, to = to.Number, reason, manual = true });
        await target.RouteAsync(service.Name, new Uri(to.Url), context.CancellationToken);
        await registry.MakeLiveAsync(service.Id, to.Id, ServiceVersionState.RolledBack, reason);
        await target.StopAsync(from.Id);
        await registry.SetStateAsync(from.Id, ServiceVersionState.RolledBack, reason);
        await RecordAsync(from, EventTypes.RollbackCompleted, new
        {
            service = service.Name, version = from.Number, restored = to.Number, outcome = $"version {to.Number} serves again", manual = true,
        });
    }

    Task RecordAsync(ServiceVersion version, string type, object payload) =>
        events.AppendAsync(version.FeatureId, version.TenantId, type, $"{type}:manual:{version.Id}", payload, "healthcheck", cancellationToken: CancellationToken.None);
}
