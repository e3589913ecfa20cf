using System.Globalization;
using k8s;
using k8s.Models;

namespace Builder.Worker.Deployment.Kubernetes;

/// <summary>
/// The objects Builder applies for one version of a service, generated from its builder.yaml: a
/// Deployment and a Service per version (named service-vN, so versions run side by side), and the
/// service's stable Service, whose selector names the live version. Switching traffic, and rolling
/// back, is a change of that selector: blue/green with the previous version still warm.
/// </summary>
public sealed record KubernetesObjects(V1Deployment Deployment, V1Service VersionService)
{
    public const string NameLabel = "app.kubernetes.io/name";
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string VersionLabel = "builder.dev/version";
    public const string VersionIdLabel = "builder.dev/version-id";
    public const string PortName = "http";

    /// <summary>The selector value of a stable Service that routes to no version.</summary>
    public const string NoVersion = "none";

    public static string VersionName(string service, int number) => $"{service}-v{number.ToString(CultureInfo.InvariantCulture)}";

    public static KubernetesObjects For(DeployManifest manifest, int number, Guid versionId, string image, string @namespace)
    {
        var service = manifest.Service;
        var name = VersionName(service, number);
        var port = manifest.Port ?? Docker.GeneratedDockerfile.ContainerPort;
        var selector = Selector(service, number.ToString(CultureInfo.InvariantCulture));
        var labels = new Dictionary<string, string>(selector)
        {
            [ManagedByLabel] = "builder",
            [VersionIdLabel] = versionId.ToString(),
        };

        var environment = new List<V1EnvVar>
        {
            new() { Name = "PORT", Value = port.ToString(CultureInfo.InvariantCulture) },
            new() { Name = "BUILDER_SERVICE", Value = service },
            new() { Name = "BUILDER_VERSION", Value = number.ToString(CultureInfo.InvariantCulture) },
        };
        environment.AddRange(manifest.Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new V1EnvVar { Name = e.Key, Value = e.Value }));

        var deployment = new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace, Labels = labels },
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = selector },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec
                    {
                        AutomountServiceAccountToken = false,
                        Containers =
                        [
                            new V1Container
                            {
                                Name = service,
                                Image = image,
                                ImagePullPolicy = "IfNotPresent",
                                Ports = [new V1ContainerPort { ContainerPort = port, Name = PortName }],
                                Env = environment,
                                Resources = new V1ResourceRequirements
                                {
                                    Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new(Quantity(manifest.Resources.MemoryBytes)) },
                                },
                                ReadinessProbe = new V1Probe
                                {
                                    HttpGet = new V1HTTPGetAction { Path = manifest.Health.Path, Port = PortName },
                                    PeriodSeconds = 2,
                                },
                                SecurityContext = new V1SecurityContext
                                {
                                    AllowPrivilegeEscalation = false,
                                    Capabilities = new V1Capabilities { Drop = ["ALL"] },
                                },
                            },
                        ],
                    },
                },
            },
        };

        return new KubernetesObjects(deployment, Service(name, @namespace, labels, selector));
    }

    static string Quantity(long bytes) => bytes % (1024 * 1024) == 0
        ? $"{(bytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture)}Mi"
        : bytes.ToString(CultureInfo.InvariantCulture);

    /// <summary>The service's stable Service, routed to <paramref name="number"/> or, when null, to no version.</summary>
    public static V1Service Stable(string service, string @namespace, int? number) =>
        Service(service, @namespace, new Dictionary<string, string> { [NameLabel] = service, [ManagedByLabel] = "builder" },
            Selector(service, number?.ToString(CultureInfo.InvariantCulture) ?? NoVersion));

    public static Dictionary<string, string> Selector(string service, string version) => new() { [NameLabel] = service, [VersionLabel] = version };

    static V1Service Service(string name, string @namespace, IDictionary<string, string> labels, IDictionary<string, string> selector) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace, Labels = labels },
        Spec = new V1ServiceSpec
        {
            Selector = selector,
            Ports = [new V1ServicePort { Port = 80, Name = PortName, TargetPort = PortName }],
        },
    };

    /// <summary>The version's objects as one YAML document stream, kept as an artifact of the run.</summary>
    public string Yaml() =>
        $"# Generated by Builder from builder.yaml.\n{KubernetesYaml.Serialize(Deployment).TrimEnd()}\n---\n{KubernetesYaml.Serialize(VersionService).TrimEnd()}\n";
}
