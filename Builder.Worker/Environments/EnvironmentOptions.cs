using System.ComponentModel.DataAnnotations;

namespace Builder.Worker.Environments;

/// <summary>
/// "Builder:Environments": the images an environment is made from. A base name is mapped to an image;
/// a runtime version to the official image that carries it ({version} is replaced), whose files are
/// copied into the environment. Machines with no registry point these at local images.
/// </summary>
public sealed class EnvironmentOptions : IValidatableObject
{
    public const string Section = "Builder:Environments";

    public Dictionary<string, string> Bases { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["debian-bookworm"] = "debian:bookworm-slim",
    };

    public Dictionary<string, string> RuntimeImages { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["dotnet"] = "mcr.microsoft.com/dotnet/sdk:{version}-bookworm-slim",
        ["go"] = "golang:{version}-bookworm",
        ["node"] = "node:{version}-bookworm-slim",
        ["python"] = "python:{version}-slim-bookworm",
    };

    /// <summary>Building one environment image (setup commands included) may take this long.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "04:00:00")]
    public TimeSpan BuildTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Environment images kept; the least recently used beyond this are removed after each build.</summary>
    [Range(1, 1000)]
    public int KeepImages { get; set; } = 20;

    /// <summary>Environment images not used for this long are removed after each build.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan MaxUnusedAge { get; set; } = TimeSpan.FromDays(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (runtime, image) in RuntimeImages.Where(r => !r.Value.Contains("{version}", StringComparison.Ordinal)))
            yield return new ValidationResult($"Builder:Environments:RuntimeImages:{runtime} ('{image}') must contain {{version}}.", [nameof(RuntimeImages)]);
    }
}
