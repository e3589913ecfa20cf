using Builder.Core.Policy;
using Builder.Worker.Sandbox.Egress;
namespace Builder.Worker.Deployment;

/// <summary>
/// Where a service runs. A target publishes a release, starts a version beside the live one, routes
/// the service's stable address to a version (or to none), and stops a version.
/// </summary>
public interface IDeployTarget
{
    /// <summary>"local", "docker" or "kubernetes"; the manifest's target names it.</summary>
    string Name { get; }

    /// <summary>The address that always reaches the live version of <paramref name="service"/>.</summary>
    string StableAddress(string service);

    /// <summary>Refuses what this target cannot run (a fixed port for blue/green), before anything is started.</summary>
    Task CheckAsync(DeployManifest manifest, CancellationToken cancellationToken);

    Task<PublishedRelease> PublishAsync(Release release, CancellationToken cancellationToken);

    /// <summary>Starts the version and returns its own address; it is not reachable at the stable address yet.</summary>
    Task<Uri> StartAsync(Release release, Action<string> onRestart, CancellationToken cancellationToken);

    /// <summary>Whether the version still runs (and can take the stable address back in a rollback).</summary>
    Task<bool> IsRunningAsync(Guid versionId, CancellationToken cancellationToken);

    /// <summary>
    /// After a worker restart: the version's address when it still runs without this worker (a
    /// container), now supervised again; null when it must be started again.
    /// </summary>
    Task<Uri?> AdoptAsync(Release release, CancellationToken cancellationToken);

    /// <summary>
    /// Points the stable address at the version's address; null takes the service off the address.
    /// False when it already pointed there: a repeated switch (a redelivered rollback) changes nothing.
    /// </summary>
    Task<bool> RouteAsync(string service, Uri? version, CancellationToken cancellationToken);

    Task StopAsync(Guid versionId);
}

/// <summary>One version to publish and run: its manifest, the built workspace it comes from, and its release folder.</summary>
public sealed record Release(Guid VersionId, int Number, DeployManifest Manifest, string Workspace, string Folder, Guid FeatureId)
{
    /// <summary>What publishing may reach: the runtime's package registries through Builder's proxy; null for the open network.</summary>
    public EgressPolicy? PublishEgress { get; init; }

    /// <summary>What the running service may reach (the manifest's hosts an administrator allows); null keeps it offline.</summary>
    public EgressPolicy? ServiceEgress { get; init; }

    /// <summary>Told of each host and port refused to publishing or to the service, once each.</summary>
    public Action<string, EgressDenial>? OnEgressDenied { get; init; }
}

public sealed record PublishedRelease(string Folder, string? Command, string Output, TimeSpan Duration)
{
    /// <summary>What the target generated for the version (a Dockerfile, Kubernetes objects), kept as artifacts of the run.</summary>
    public IReadOnlyDictionary<string, string> Generated { get; init; } = new Dictionary<string, string>();
}

/// <summary>The target a manifest names, among those this worker has.</summary>
public sealed class DeployTargets(IEnumerable<IDeployTarget> targets)
{
    public IDeployTarget For(DeployManifest manifest) => For(manifest.Target);

    public IDeployTarget For(string name) =>
        targets.FirstOrDefault(t => t.Name == name)
        ?? throw new Pipeline.PhaseFailedException("target_unavailable", $"This worker has no '{name}' deploy target; it deploys to: {string.Join(", ", targets.Select(t => t.Name))}.");
}

/// <summary>What a running version wrote since it was last asked, and how often it was restarted meanwhile.</summary>
public sealed record ServiceOutput(IReadOnlyList<string> Lines, int Dropped, int Restarts);

/// <summary>A target whose versions' output Builder reads itself (the local target: its services are the worker's children).</summary>
public interface IServiceOutputSource
{
    /// <summary>Null when this worker does not run the version.</summary>
    ServiceOutput? TakeOutput(Guid versionId);
}
