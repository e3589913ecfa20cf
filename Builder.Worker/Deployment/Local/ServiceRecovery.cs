using Builder.Core.Domain;
using Builder.Core.Persistence;
using Builder.Worker.Phases.HealthCheck;
using Builder.Worker.Sandbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Builder.Worker.Deployment.Local;

/// <summary>
/// After a worker restarts, its local services are gone with it (they ran as its children), while the
/// registry still says which versions were live. This adopts each live version of the services whose
/// stable address is this worker's gateway that still runs (a container after a crash), or starts it
/// again from its release folder, waits until it is ready
/// and routes the stable address to it; versions kept warm for a rollback are marked stopped. A live
/// version that no longer starts is marked failed, and its stable address answers 503 rather than
/// pretending.
/// </summary>
public sealed class ServiceRecovery(
    IDbContextFactory<BuilderDbContext> dbFactory, DeployTargets targets, ServiceGateway gateway, ServiceRegistry registry,
    HealthProbe probe, IOptions<SandboxOptions> sandboxOptions, ILogger<ServiceRecovery> logger) : BackgroundService
{
    static readonly TimeSpan[] DatabaseRetries = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10)];

    /// <summary>Completes when every service found at start has been started again, or given up.</summary>
    public Task Recovered => _recovered.Task;

    readonly TaskCompletionSource _recovered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            foreach (var delay in DatabaseRetries.Prepend(TimeSpan.Zero))
            {
                await Task.Delay(delay, stoppingToken);
                try
                {
                    await RecoverAsync(stoppingToken);
                    return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException && delay != DatabaseRetries[^1])
                {
                    // The schema may still be migrating while the worker starts beside the Api.
                    logger.LogDebug(ex, "Service recovery will retry");
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Services of the previous worker could not be recovered");
        }
        finally
        {
            _recovered.TrySetResult();
        }
    }

    async Task RecoverAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ours = gateway.BaseAddress.ToString();
        var services = await db.Services.AsNoTracking().Where(s => s.StableUrl.StartsWith(ours)).ToListAsync(cancellationToken);
        foreach (var service in services)
        {
            IDeployTarget target;
            try
            {
                target = targets.For(service.Target);
            }
            catch (Pipeline.PhaseFailedException ex)
            {
                logger.LogError("Service {Service} cannot be recovered: {Problem}", service.Name, ex.Message);
                continue;
            }

            var versions = await db.ServiceVersions.AsNoTracking()
                .Where(v => v.ServiceId == service.Id && (v.State == ServiceVersionState.Live || v.State == ServiceVersionState.Standby || v.State == ServiceVersionState.Starting))
                .ToListAsync(cancellationToken);
            foreach (var other in versions.Where(v => v.Id != service.LiveVersionId))
                if (!await target.IsRunningAsync(other.Id, cancellationToken))
                    await registry.SetStateAsync(other.Id, ServiceVersionState.Stopped, "the worker that ran it restarted");

            if (versions.FirstOrDefault(v => v.Id == service.LiveVersionId) is not { } live || await target.IsRunningAsync(live.Id, cancellationToken))
                continue;
            var settings = await db.Repositories.AsNoTracking().Where(r => r.Id == service.RepositoryId).Select(r => r.Settings).FirstOrDefaultAsync(cancellationToken);
            await RestartAsync(target, service, live, settings?.Egress ?? [], cancellationToken);
        }
    }

    async Task RestartAsync(IDeployTarget target, DeployedService service, ServiceVersion live, IReadOnlyList<string> repositoryEgress, CancellationToken cancellationToken)
    {
        DeployManifest? manifest = null;
        string? problem = null;
        try
        {
            manifest = Directory.Exists(live.ReleaseFolder) ? DeployManifestParser.Find(live.ReleaseFolder) : null;
            problem = manifest is null ? $"its release folder {live.ReleaseFolder} or its {DeployManifest.FileName} is gone" : null;
        }
        catch (DeployManifestException ex)
        {
            problem = ex.Message;
        }

        if (manifest is not null)
        {
            var release = new Release(live.Id, live.Number, manifest, live.ReleaseFolder, live.ReleaseFolder, live.FeatureId)
            {
                ServiceEgress = ServiceEgress.PolicyFor(manifest.Egress, sandboxOptions.Value.AllowedHosts.Concat(repositoryEgress)),
                OnEgressDenied = (step, denial) => logger.LogWarning("Service {Service} v{Version}: egress refused to {Host}:{Port}", service.Name, live.Number, denial.Host, denial.Port),
            };
            var url = await target.AdoptAsync(release, cancellationToken)
                      ?? await target.StartAsync(release,
                          reason => logger.LogWarning("Service {Service} v{Version} restarted: {Reason}", service.Name, live.Number, reason), cancellationToken);
            var ready = await probe.WaitReadyAsync(url, manifest.Health, manifest.Health.ReadinessTimeout, cancellationToken);
            if (ready.Ok)
            {
                await target.RouteAsync(service.Name, url, cancellationToken);
                await registry.SetStateAsync(live.Id, ServiceVersionState.Live, "started again after the worker restarted", url.ToString());
                logger.LogInformation("Service {Service} v{Version} started again after the worker restarted, at {Url}", service.Name, live.Number, url);
                return;
            }

            await target.StopAsync(live.Id);
            problem = $"not ready within {manifest.Health.ReadinessTimeout.TotalSeconds:0.#} s: {ready.Error ?? $"status {ready.Status}"}";
        }

        await target.RouteAsync(service.Name, null, cancellationToken);
        await registry.SetStateAsync(live.Id, ServiceVersionState.Failed, $"could not be started again after the worker restarted: {problem}");
        logger.LogError("Service {Service} v{Version} could not be started again after the worker restarted: {Problem}", service.Name, live.Number, problem);
    }
}
