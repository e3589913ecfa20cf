using Builder.Core.Artifacts;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Worker.Deployment;
using Builder.Worker.Pipeline;
using Microsoft.Extensions.Options;

namespace Builder.Worker.Phases.HealthCheck;

/// <summary>
/// Health check: readiness of the new version (retried once after a wait), then the switch of the
/// stable address, then a monitoring window. A version that is not ready or breaches the policy is
/// rolled back: the stable address goes back to the previous version (or to nothing after a first
/// deploy), which is verified, and the run ends RolledBack with the reason and the figures.
/// Nothing deployed, nothing to probe.
/// </summary>
public sealed class CheckHealthConsumer(
    PhaseServices services, DeployTargets targets, ServiceRegistry registry, HealthProbe probe, MonitoringWindow window, ServiceContract contract,
    StandbyRetirement retirement, IOptions<DeployOptions> options, ImprovementRuns improvements)
    : PhaseConsumer<CheckHealth>(services)
{
    protected override Phase Phase => Phase.HealthCheck;

    protected override async Task<PhaseOutcome> RunAsync(PhaseRun run, CheckHealth command)
    {
        if (await registry.FindAsync(run.Feature.Id, run.Attempt, run.CancellationToken) is not var (service, version))
        {
            const string reason = "Nothing was deployed, so there is nothing to probe.";
            await run.RecordAsync(EventTypes.HealthCheckSkipped, new { reason });
            return new PhaseOutcome(new HealthChecked(run.Feature.Id, run.Attempt, Healthy: true, RolledBack: false, Skipped: true), Skipped: true, reason);
        }

        var change = await run.LoadAsync(ArtifactNames.Change);
        var workspace = await Services.Workspaces.PrepareAsync(run.Repository, run.Feature.Id, run.State.BaseCommit!, change, run.CancellationToken);
        var manifest = DeployManifestParser.Find(workspace)
                       ?? throw new PhaseFailedException("manifest_missing", "builder.yaml is gone from the change that was deployed.");
        var target = targets.For(manifest);
        var rollback = new Rollback(run, target, registry, probe, manifest, service, version);
        var url = new Uri(version.Url ?? throw new PhaseFailedException("version_not_started", $"Version {version.Number} of {service.Name} never started."));

        try
        {
            if (await ReadyAsync(run, manifest, version, url) is { } notReady)
                return await rollback.RunAsync($"readiness failed: {notReady}", null);
            if (manifest.Health.Contract.Count > 0)
            {
                var problems = await contract.CheckAsync(url, manifest.Health.Contract, run.CancellationToken);
                await run.RecordAsync(EventTypes.ContractChecked, new { version = version.Number, endpoints = manifest.Health.Contract, kept = problems.Count == 0, problems });
                if (problems.Count > 0)
                    return await rollback.RunAsync($"the service contract failed: {string.Join("; ", problems)}", null);
            }

            var previous = service.LiveVersionId;
            // The version being replaced stays warm through the window: probed beside the new one, it is the yardstick.
            var replaced = previous is { } previousId && previousId != version.Id ? await registry.GetAsync(previousId, run.CancellationToken) : null;
            var baseline = replaced is { Url: { } replacedUrl } && await target.IsRunningAsync(replaced.Id, run.CancellationToken)
                ? new Baseline(new Uri(replacedUrl), $"version {replaced.Number}")
                : null;
            if (baseline is not null && await improvements.RollbackOffAsync(run.Feature, run.CancellationToken))
            {
                baseline = null;
                await run.RecordAsync(EventTypes.MonitoringComparisonSkipped, new
                {
                    reason = "This improvement run is not compared with the version it replaces: the ImprovementRollback flag is off for the tenant.",
                });
            }
            await target.RouteAsync(service.Name, url, run.CancellationToken);
            await registry.MakeLiveAsync(service.Id, version.Id, ServiceVersionState.Standby);
            await run.RecordAsync(EventTypes.TrafficSwitched, new { service = service.Name, to = version.Number, from = previous, stableUrl = service.StableUrl });

            var probes = 0;
            var result = await window.RunAsync(new Uri(service.StableUrl), manifest, p =>
            {
                if (!p.Ok)
                    _ = run.RecordAsync(EventTypes.ProbeFailed, new { probe = probes, status = p.Status, error = p.Error, latencyMs = p.Latency.TotalMilliseconds },
                        $"probe:{probes}");
                probes++;
            }, run.CancellationToken, baseline);

            if (result.Breach is { } breach)
            {
                await run.RecordAsync(EventTypes.HealthBreached, new { service = service.Name, version = version.Number, breach, figures = result.Figures });
                return await rollback.RunAsync($"the monitoring window failed: {breach}", result);
            }

            await run.RecordAsync(EventTypes.MonitoringCompleted, new { service = service.Name, version = version.Number, figures = result.Figures });
            if (previous is { } replacedId && replacedId != version.Id)
                retirement.After(manifest.Policy.KeepPrevious, target, replacedId);
            return new PhaseOutcome(new HealthChecked(run.Feature.Id, run.Attempt, Healthy: true, RolledBack: false, Skipped: false, null, result.Figures));
        }
        catch (OperationCanceledException) when (run.CancellationToken.IsCancellationRequested)
        {
            // A cancelled run must not leave its version serving: the previous one takes the address back.
            await rollback.RunAsync("the run was cancelled", null);
            throw;
        }
    }

    /// <summary>Null when ready; otherwise why not, after the one retry.</summary>
    async Task<string?> ReadyAsync(PhaseRun run, DeployManifest manifest, ServiceVersion version, Uri url)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ready = await probe.WaitReadyAsync(url, manifest.Health, manifest.Health.ReadinessTimeout, run.CancellationToken);
            await run.RecordAsync(EventTypes.ReadinessChecked, new
            {
                version = version.Number, attempt, ready = ready.Ok, status = ready.Status, error = ready.Error, expected = manifest.Health.ExpectedStatus,
                path = manifest.Health.Path,
            }, attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (ready.Ok)
                return null;
            if (attempt == 2)
                return $"{manifest.Health.Path} answered {(ready.Status is { } status ? $"{status}" : ready.Error)} instead of {manifest.Health.ExpectedStatus}, "
                       + $"twice within {manifest.Health.ReadinessTimeout.TotalSeconds:0.#} s";
            await Task.Delay(options.Value.ReadinessRetryDelay, run.CancellationToken);
        }
    }
}
