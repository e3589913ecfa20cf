using k8s;

namespace Builder.Worker.Deployment.Kubernetes;

/// <summary>
/// "Builder:Deploy:Kubernetes": the cluster the kubernetes target deploys to. One of: Server (with a
/// bearer Token), a Kubeconfig file (and its Context), or, with neither, the worker's own service
/// account when it runs in a cluster.
/// </summary>
public sealed class KubernetesOptions
{
    /// <summary>The API server, e.g. https://10.0.0.1:6443.</summary>
    public string? Server { get; set; }

    /// <summary>A bearer token for <see cref="Server"/>; never logged.</summary>
    public string? Token { get; set; }

    public string? Kubeconfig { get; set; }

    public string? Context { get; set; }

    public bool SkipTlsVerify { get; set; }

    /// <summary>Where services are deployed; the kubeconfig's namespace when empty, else "default".</summary>
    public string? Namespace { get; set; }

    /// <summary>The client configuration, or why there is none.</summary>
    public (KubernetesClientConfiguration? Configuration, string? Missing) Build()
    {
        try
        {
            KubernetesClientConfiguration configuration;
            if (!string.IsNullOrWhiteSpace(Server))
                configuration = new KubernetesClientConfiguration { Host = Server, AccessToken = Token, SkipTlsVerify = SkipTlsVerify };
            else if (!string.IsNullOrWhiteSpace(Kubeconfig))
                configuration = KubernetesClientConfiguration.BuildConfigFromConfigFile(Kubeconfig, Context);
            else if (KubernetesClientConfiguration.IsInCluster())
                configuration = KubernetesClientConfiguration.InClusterConfig();
            else
                return (null, "no Kubernetes cluster is configured (set Builder:Deploy:Kubernetes:Server and :Token, or :Kubeconfig)");
            configuration.Namespace = string.IsNullOrWhiteSpace(Namespace) ? configuration.Namespace ?? "default" : Namespace;
            return (configuration, null);
        }
        catch (Exception ex) when (ex is k8s.Exceptions.KubeConfigException or IOException or UnauthorizedAccessException)
        {
            return (null, $"the Kubernetes configuration could not be read: {ex.Message}");
        }
    }
}
