using Builder.Core.Artifacts;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Worker.Deployment;
using Builder.Core.Policy;
using Builder.Worker.Pipeline;
using Builder.Worker.Sandbox;
using Microsoft.Extensions.Options;

namespace Builder.Worker.Phases.Deploy;

/// <summary>
/// Deploy: publish the verified change into a versioned release folder and start it beside the live
/// version. Nothing is routed to it yet: HealthCheck switches the stable address once it is ready.
/// Repositories without a builder.yaml skip it, saying why.
/// </summary>
public sealed class DeployChangeConsumer(
    PhaseServices services, DeployTargets targets, ServiceRegistry registry, IOptions<DeployOptions> options, IOptions<SandboxOptions> sandboxOptions)
    : PhaseConsumer<DeployChange>(services)
{
    protected override Phase Phase => Phase.Deploy;

    protected override async Task<PhaseOutcome> RunAsync(PhaseRun run, DeployChange command)
    {
        var change = await run.LoadAsync(ArtifactNames.Change);
        var workspace = await Services.Workspaces.PrepareAsync(run.Repository, run.Feature.Id, run.State.BaseCommit!, change, run.CancellationToken);
        var manifest = ReadManifest(workspace);
        if (manifest is null)
        {
            const string reason = "The repository has no deploy target (no builder.yaml); the change is delivered as a branch.";
            await run.RecordAsync(EventTypes.DeploySkipped, new { reason });
            return new PhaseOutcome(new ChangeDeployed(run.Feature.Id, run.Attempt, Skipped: true), Skipped: true, reason);
        }

        var target = targets.For(manifest);
        await target.CheckAsync(manifest, run.CancellationToken);
        await run.RecordAsync(EventTypes.ManifestRead, new
        {
            service = manifest.Service, runtime = manifest.Runtime, target = manifest.Target, start = manifest.Start, publish = manifest.Publish,
            health = new { manifest.Health.Path, manifest.Health.ExpectedStatus, readinessTimeoutMs = manifest.Health.ReadinessTimeout.TotalMilliseconds },
            policy = new
            {
                manifest.Policy.SuccessRate, p99Ms = manifest.Policy.MaxP99.TotalMilliseconds, intervalMs = manifest.Policy.Interval.TotalMilliseconds,
                windowMs = manifest.Policy.Window.TotalMilliseconds,
            },
        });

        var commit = run.State.CommitSha ?? run.State.BaseCommit!;
        var releases = Path.GetFullPath(options.Value.ReleasesDirectory, Path.GetFullPath(Services.Options.DataDirectory));
        var (service, version) = await registry.RegisterAsync(run, manifest, target.StableAddress(manifest.Service), commit,
            number => Path.Combine(releases, manifest.Service, $"{number}-{commit[..Math.Min(8, commit.Length)]}"));
        var release = new Release(version.Id, version.Number, manifest, workspace, version.ReleaseFolder, run.Feature.Id)
        {
            PublishEgress = sandboxOptions.Value.FilterEgress ? EgressPolicy.For(manifest.Runtime, AdministratorAllowed(run)) : null,
            ServiceEgress = await ServiceEgressAsync(run, manifest),
            OnEgressDenied = (step, denial) => _ = run.RecordAsync(EventTypes.EgressDenied,
                new { step, service = manifest.Service, version = version.Number, host = denial.Host, port = denial.Port },
                $"{step}:{version.Number}:{denial.Host}:{denial.Port}"),
        };

        try
        {
            var published = await target.PublishAsync(release, run.CancellationToken);
            await run.StoreTextAsync("publish.log", $"$ {published.Command ?? "(nothing to publish)"}\n{published.Output}");
            foreach (var (name, text) in published.Generated)
                await run.StoreTextAsync(name, text);
            await run.RecordAsync(EventTypes.ReleasePublished, new
            {
                service = service.Name, version = version.Number, folder = published.Folder, command = published.Command, durationMs = (long)published.Duration.TotalMilliseconds,
            });

            var url = await target.StartAsync(release, reason => _ = run.RecordAsync(EventTypes.VersionRestarted,
                new { service = service.Name, version = version.Number, reason }, Guid.NewGuid().ToString("N")), run.CancellationToken);
            await registry.SetStateAsync(version.Id, ServiceVersionState.Starting, url: url.ToString());
            await run.RecordAsync(EventTypes.VersionStarted, new
            {
                service = service.Name, version = version.Number, url = url.ToString(), stableUrl = service.StableUrl, commitSha = commit,
                previous = service.LiveVersionId,
            });
        }
        catch (PhaseFailedException ex) when (!run.CancellationToken.IsCancellationRequested)
        {
            return await RollBackAsync(run, target, service, version, ex.Message);
        }
        catch (Exception ex)
        {
            // The live version was never touched: the stable address still reaches it.
            await target.StopAsync(version.Id);
            await registry.SetStateAsync(version.Id, ServiceVersionState.Failed, ex is OperationCanceledException ? "cancelled" : ex.Message);
            throw;
        }

        return new PhaseOutcome(new ChangeDeployed(run.Feature.Id, run.Attempt, Skipped: false));
    }

    /// <summary>
    /// A version that could not be published or started never took traffic: it is stopped and marked
    /// rolled back, and the run says which version still serves (or that none does, after a first deploy).
    /// </summary>
    async Task<PhaseOutcome> RollBackAsync(PhaseRun run, IDeployTarget target, DeployedService service, ServiceVersion version, string failure)
    {
        var live = service.LiveVersionId is { } liveId && liveId != version.Id ? await registry.GetAsync(liveId, CancellationToken.None) : null;
        var reason = $"the deploy failed: {failure}";
        await run.RecordAsync(EventTypes.RollbackStarted, new { service = service.Name, version = version.Number, reason, to = live?.Number });
        await target.StopAsync(version.Id);
        await registry.SetStateAsync(version.Id, ServiceVersionState.RolledBack, reason);
        var outcome = live is null ? "no previous version: the service is not deployed" : $"version {live.Number} still serves";
        await run.RecordAsync(EventTypes.RollbackCompleted, new
        {
            service = service.Name, version = version.Number, restored = live?.Number, outcome, stableUrl = service.StableUrl,
        });

        var message = $"Version {version.Number} of {service.Name} was rolled back: {reason}; {outcome}.";
        return new PhaseOutcome(new ChangeDeployed(run.Feature.Id, run.Attempt, Skipped: false, message), Reason: message);
    }

    static DeployManifest? ReadManifest(string workspace)
    {
        try
        {
            return DeployManifestParser.Find(workspace);
        }
        catch (DeployManifestException ex)
        {
            throw new PhaseFailedException("manifest_invalid", ex.Message);
        }
    }

    /// <summary>Hosts an administrator allows: every repository's (Builder:Sandbox:AllowedHosts) and this repository's settings.egress.</summary>
    IEnumerable<string> AdministratorAllowed(PhaseRun run) =>
        sandboxOptions.Value.AllowedHosts.Concat(run.Repository.Settings.Egress ?? []);

    /// <summary>
    /// The hosts the service may call: those its manifest declares that an administrator also allows.
    /// A service declaring none stays offline; one declaring hosts nobody allowed is told which.
    /// </summary>
    async Task<EgressPolicy?> ServiceEgressAsync(PhaseRun run, DeployManifest manifest)
    {
        if (manifest.Egress.Count == 0)
            return null;
        var (allowed, refused) = ServiceEgress.Split(manifest.Egress, AdministratorAllowed(run));
        await run.RecordAsync(EventTypes.ServiceEgress, new
        {
            service = manifest.Service, declared = manifest.Egress, allowed, refused,
            reason = refused.Count == 0 ? null : "not allowed by an administrator (Builder:Sandbox:AllowedHosts or the repository's settings.egress)",
        });
        return allowed.Count == 0 ? null : new EgressPolicy(allowed);
    }
}
