using System.ComponentModel.DataAnnotations;

namespace Builder.Worker.Deployment;

/// <summary>The "Builder:Deploy" section: where releases live and how services are reached and supervised.</summary>
public sealed class DeployOptions : IValidatableObject
{
    public const string Section = "Builder:Deploy";

    /// <summary>The loopback port of the stable addresses (http://127.0.0.1:port/services/name/); 0 picks a free one at start.</summary>
    [Range(0, 65535)]
    public int GatewayPort { get; set; }

    /// <summary>Versioned release folders; relative to the data folder unless absolute.</summary>
    [Required]
    public string ReleasesDirectory { get; set; } = "releases";

    /// <summary>The wait before the one retry of a failed readiness check.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ReadinessRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Publishing a release (npm ci, dotnet publish) may take this long.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "02:00:00")]
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A crashed service is restarted after 1, 2, 4... seconds, at most this many times in a row.</summary>
    [Range(0, 100)]
    public int MaxRestarts { get; set; } = 5;

    /// <summary>
    /// The loopback ports service versions listen on. Below the kernel's ephemeral range on purpose:
    /// a port picked there could be taken by any process's outgoing or port-0 socket between the
    /// check and the service's own bind, and the health check would then talk to that process.
    /// </summary>
    [Range(1024, 65535)]
    public int FirstServicePort { get; set; } = 20_000;

    [Range(1024, 65535)]
    public int LastServicePort { get; set; } = 29_999;

    /// <summary>
    /// The image each runtime's generated Dockerfile starts from on the docker target. Machines with no
    /// registry point these at local images; a repository's own Dockerfile needs none.
    /// </summary>
    public Dictionary<string, string> BaseImages { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["dotnet"] = "mcr.microsoft.com/dotnet/aspnet:10.0",
        ["node"] = "node:22-bookworm-slim",
        ["python"] = "python:3.12-slim-bookworm",
        ["go"] = "debian:bookworm-slim",
        ["command"] = "debian:bookworm-slim",
    };

    /// <summary>The cluster of the kubernetes target; unset, that target is refused with a message.</summary>
    public Kubernetes.KubernetesOptions Kubernetes { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LastServicePort < FirstServicePort)
            yield return new ValidationResult($"Builder:Deploy:LastServicePort ({LastServicePort}) is below FirstServicePort ({FirstServicePort}).",
                [nameof(LastServicePort)]);
    }
}
