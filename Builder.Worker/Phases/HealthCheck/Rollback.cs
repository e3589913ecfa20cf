using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Worker.Deployment;
using Builder.Worker.Pipeline;

namespace Builder.Worker.Phases.HealthCheck;

/// <summary>
/// Takes the stable address back from a new version: to the previous version if it still runs (checked
/// once more before the run says so), or to nothing after a first deploy. The new version is stopped and
/// marked rolled back. Safe to repeat: routing to the same version twice changes nothing.
/// </summary>
public sealed class Rollback(
    PhaseRun run, IDeployTarget target, ServiceRegistry registry, HealthProbe probe, DeployManifest manifest, DeployedService service, ServiceVersion version)
{
    public async Task<PhaseOutcome> RunAsync(string reason, WindowResult? window)
    {
        // The service as it was before the switch: its live version then is the one to go back to.
        var previous = service.LiveVersionId is not { } previousId ? null
            : previousId == version.Id ? await registry.StandbyBeforeAsync(service.Id, version.Number)
            : await registry.GetAsync(previousId, CancellationToken.None);
        await run.RecordAsync(EventTypes.RollbackStarted, new { service = service.Name, version = version.Number, reason, to = previous?.Number, figures = window?.Figures });

        string? restoredHealth = null;
        bool rolledBack;
        if (previous is { Url: { } previousUrl } && await target.IsRunningAsync(previous.Id, CancellationToken.None))
        {
            await target.RouteAsync(service.Name, new Uri(previousUrl), CancellationToken.None);
            var check = await probe.ProbeAsync(new Uri(previousUrl), manifest.Health, manifest.Health.ReadinessTimeout, CancellationToken.None);
            restoredHealth = check.Ok ? "healthy" : $"unhealthy ({(check.Status is { } s ? $"status {s}" : check.Error)})";
            await registry.MakeLiveAsync(service.Id, previous.Id, ServiceVersionState.RolledBack, reason);
            rolledBack = check.Ok;
        }
        else
        {
            await target.RouteAsync(service.Name, null, CancellationToken.None);
            await registry.MakeLiveAsync(service.Id, null, ServiceVersionState.RolledBack, reason);
            rolledBack = previous is null;
        }

        await target.StopAsync(version.Id);
        await registry.SetStateAsync(version.Id, ServiceVersionState.RolledBack, reason);

        var outcome = previous is null
            ? "no previous version: the service is not deployed"
            : rolledBack ? $"version {previous.Number} serves again" : $"version {previous.Number} could not be restored ({restoredHealth ?? "no longer running"})";
        await run.RecordAsync(EventTypes.RollbackCompleted, new
        {
            service = service.Name, version = version.Number, restored = previous?.Number, restoredHealth, outcome, stableUrl = service.StableUrl,
        });

        var message = $"Version {version.Number} of {service.Name} was rolled back: {reason}; {outcome}.";
        return new PhaseOutcome(new HealthChecked(run.Feature.Id, run.Attempt, Healthy: false, RolledBack: rolledBack, Skipped: false, message, window?.Figures),
            Reason: message);
    }
}
