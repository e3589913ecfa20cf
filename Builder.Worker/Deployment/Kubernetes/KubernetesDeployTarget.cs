using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Builder.Worker.Deployment.Docker;
using Builder.Worker.Pipeline;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace Builder.Worker.Deployment.Kubernetes;

/// <summary>
/// Services on a Kubernetes cluster. The image is built as on the docker target; each version is a
/// Deployment and a Service of its own (<see cref="KubernetesObjects"/>), so the new version starts
/// beside the live one and is probed by Builder through the API server's service proxy before it
/// takes traffic. The stable Service's selector is the switch: routing and rolling back are one patch,
/// and a repeated switch finds the selector already set. Versions belong to the cluster, not to the
/// worker: one that restarts (or a second worker) finds them by their labels.
/// </summary>
public sealed partial class KubernetesDeployTarget(
    DockerDeployTarget images, ServiceClients clients, IOptions<DeployOptions> options, ILogger<KubernetesDeployTarget> logger)
    : IDeployTarget, IDisposable
{
    readonly ConcurrentDictionary<Guid, KubernetesObjects> _published = new();
    readonly Lazy<KubernetesCluster?> _cluster = new(() => KubernetesCluster.Connect(options.Value.Kubernetes, clients));

    public string Name => "kubernetes";

    KubernetesCluster Connected => _cluster.Value ?? throw new PhaseFailedException("target_unavailable",
        $"builder.yaml asks for the kubernetes target, but {options.Value.Kubernetes.Build().Missing}.");

    public string StableAddress(string service) => Connected.ProxyAddress(service).ToString();

    public async Task CheckAsync(DeployManifest manifest, CancellationToken cancellationToken)
    {
        var cluster = Connected;
        try
        {
            await cluster.Client.Version.GetCodeAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or HttpOperationException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new PhaseFailedException("target_unavailable", $"The Kubernetes API at {cluster.Server} did not answer: {Describe(ex)}");
        }

        await images.CheckAsync(manifest, cancellationToken);
    }

    public async Task<PublishedRelease> PublishAsync(Release release, CancellationToken cancellationToken)
    {
        var published = await images.PublishAsync(release, cancellationToken);
        var image = images.ImageOf(release.VersionId)!;
        var objects = KubernetesObjects.For(release.Manifest, release.Number, release.VersionId, image, Connected.Namespace);
        _published[release.VersionId] = objects;
        return published with { Generated = new Dictionary<string, string>(published.Generated) { ["kubernetes.yaml"] = objects.Yaml() } };
    }

    public async Task<Uri> StartAsync(Release release, Action<string> onRestart, CancellationToken cancellationToken)
    {
        var objects = _published.TryGetValue(release.VersionId, out var found) ? found
            : throw new PhaseFailedException("version_not_started", $"Version {release.Number} of {release.Manifest.Service} has no image: it was not published by this worker.");
        var cluster = Connected;
        var name = objects.Deployment.Metadata.Name;
        await ApplyAsync(() => cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(objects.Deployment, cluster.Namespace, cancellationToken: cancellationToken),
            () => cluster.Client.AppsV1.ReplaceNamespacedDeploymentAsync(objects.Deployment, name, cluster.Namespace, cancellationToken: cancellationToken));
        await ApplyAsync(() => cluster.Client.CoreV1.CreateNamespacedServiceAsync(objects.VersionService, cluster.Namespace, cancellationToken: cancellationToken),
            () => cluster.Client.CoreV1.ReplaceNamespacedServiceAsync(objects.VersionService, name, cluster.Namespace, cancellationToken: cancellationToken));
        logger.LogInformation("Version {Version} of {Service} applied to Kubernetes as deployment {Deployment} in {Namespace}",
            release.Number, release.Manifest.Service, name, cluster.Namespace);
        return cluster.ProxyAddress(name);
    }

    /// <summary>Created, or replaced when a redelivered Deploy finds it already there.</summary>
    static async Task ApplyAsync<T>(Func<Task<T>> create, Func<Task<T>> replace)
    {
        try
        {
            await create();
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
        {
            await replace();
        }
    }

    /// <summary>The version's Deployment is still in the cluster: it is adopted as it is.</summary>
    public async Task<Uri?> AdoptAsync(Release release, CancellationToken cancellationToken) =>
        (await DeploymentsOf(release.VersionId, cancellationToken)).FirstOrDefault() is { } deployment
            ? Connected.ProxyAddress(deployment.Metadata.Name)
            : null;

    public async Task<bool> IsRunningAsync(Guid versionId, CancellationToken cancellationToken) =>
        (await DeploymentsOf(versionId, cancellationToken)).Any(d => d.Status?.AvailableReplicas > 0);

    async Task<IList<V1Deployment>> DeploymentsOf(Guid versionId, CancellationToken cancellationToken)
    {
        var cluster = Connected;
        var list = await cluster.Client.AppsV1.ListNamespacedDeploymentAsync(cluster.Namespace, labelSelector: $"{KubernetesObjects.VersionIdLabel}={versionId}",
            cancellationToken: cancellationToken);
        return list.Items;
    }

    public async Task<bool> RouteAsync(string service, Uri? version, CancellationToken cancellationToken)
    {
        var cluster = Connected;
        var number = version is null ? (int?)null : VersionOf(version);
        var wanted = number?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? KubernetesObjects.NoVersion;
        V1Service current;
        try
        {
            current = await cluster.Client.CoreV1.ReadNamespacedServiceAsync(service, cluster.Namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            await cluster.Client.CoreV1.CreateNamespacedServiceAsync(KubernetesObjects.Stable(service, cluster.Namespace, number), cluster.Namespace,
                cancellationToken: cancellationToken);
            return true;
        }

        if (current.Spec?.Selector?.TryGetValue(KubernetesObjects.VersionLabel, out var routed) == true && routed == wanted)
            return false;
        var patch = new V1Patch(new { spec = new { selector = KubernetesObjects.Selector(service, wanted) } }, V1Patch.PatchType.MergePatch);
        await cluster.Client.CoreV1.PatchNamespacedServiceAsync(patch, service, cluster.Namespace, cancellationToken: cancellationToken);
        logger.LogInformation("Kubernetes service {Service} now routes to version {Version}", service, wanted);
        return true;
    }

    /// <summary>The version number in an address this target gave out (…/services/name-vN:http/proxy/).</summary>
    static int VersionOf(Uri address) =>
        VersionAddress().Match(address.AbsolutePath) is { Success: true } match ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : throw new PhaseFailedException("route_invalid", $"{address} is not the address of a version on the kubernetes target.");

    [GeneratedRegex(@"/services/[a-z0-9-]+-v(\d+):[a-z]+/proxy/?$")]
    private static partial Regex VersionAddress();

    public async Task StopAsync(Guid versionId)
    {
        var cluster = Connected;
        var selector = $"{KubernetesObjects.VersionIdLabel}={versionId}";
        foreach (var deployment in (await cluster.Client.AppsV1.ListNamespacedDeploymentAsync(cluster.Namespace, labelSelector: selector)).Items)
            await DeleteAsync(() => cluster.Client.AppsV1.DeleteNamespacedDeploymentAsync(deployment.Metadata.Name, cluster.Namespace));
        foreach (var service in (await cluster.Client.CoreV1.ListNamespacedServiceAsync(cluster.Namespace, labelSelector: selector)).Items)
            await DeleteAsync(() => cluster.Client.CoreV1.DeleteNamespacedServiceAsync(service.Metadata.Name, cluster.Namespace));
        _published.TryRemove(versionId, out _);
    }

    /// <summary>Gone already (a repeated stop) is what was wanted.</summary>
    static async Task DeleteAsync<T>(Func<Task<T>> delete)
    {
        try
        {
            await delete();
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    static string Describe(Exception ex) => ex is HttpOperationException http ? $"{(int)http.Response.StatusCode} {http.Response.Content}" : ex.Message;

    public void Dispose()
    {
        if (_cluster.IsValueCreated)
            _cluster.Value?.Client.Dispose();
    }
}
