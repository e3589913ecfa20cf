using System.Text.RegularExpressions;
using Builder.Worker.Manifests;

namespace Builder.Worker.Environments;

/// <summary>
/// The environment a repository builds and tests in, from its .builder/environment.yaml: a base Builder
/// knows, runtimes at pinned versions, Debian packages, setup commands run once when the image is
/// built (with network), variables, the package caches to keep, and the lockfiles whose change means
/// a new image. A Dockerfile the manifest names replaces the generated one.
/// </summary>
public sealed partial record EnvironmentManifest
{
    public const string FileName = ".builder/environment.yaml";

    public static readonly IReadOnlyList<string> RuntimeNames = ["dotnet", "go", "node", "python"];
    public static readonly IReadOnlyList<string> CacheNames = ["go", "npm", "nuget", "pip"];

    public string Base { get; init; } = "debian-bookworm";

    /// <summary>Runtime name and version, sorted by name.</summary>
    public IReadOnlyList<RuntimeVersion> Runtimes { get; init; } = [];

    public IReadOnlyList<string> Packages { get; init; } = [];
    public IReadOnlyList<string> Setup { get; init; } = [];
    public IReadOnlyList<KeyValuePair<string, string>> Variables { get; init; } = [];
    public IReadOnlyList<string> Caches { get; init; } = [];
    public IReadOnlyList<string> Lockfiles { get; init; } = [];

    /// <summary>A repository's own Dockerfile (relative path), built instead of the generated one.</summary>
    public string? Dockerfile { get; init; }

    /// <summary>The manifest in <paramref name="workspace"/>, or null when the repository has none.</summary>
    public static EnvironmentManifest? Find(string workspace)
    {
        var path = Path.Combine(workspace, FileName);
        return File.Exists(path) ? Parse(File.ReadAllText(path)) : null;
    }

    public static EnvironmentManifest Parse(string yaml)
    {
        var root = ManifestReader.Load(yaml, "base, runtimes, packages, ...", out var loadError)
                   ?? throw new EnvironmentManifestException([loadError!]);
        var errors = new List<string>();
        var reader = new ManifestReader(errors);
        reader.RefuseUnknown(root, ["base", "runtimes", "packages", "setup", "variables", "caches", "lockfiles", "dockerfile"], "");

        var runtimes = new List<RuntimeVersion>();
        foreach (var (name, version) in reader.TextMap(root, "runtimes"))
        {
            if (!RuntimeNames.Contains(name.Value))
                reader.Error(name, $"runtimes: '{name.Value}' is not one of {string.Join(", ", RuntimeNames)}");
            else if (!IsVersion(version))
                reader.Error(name, $"runtimes.{name.Value}: '{version}' must be a version like 18, 3.12 or 8.0");
            else
                runtimes.Add(new RuntimeVersion(name.Value!, version));
        }

        var packages = reader.TextList(root, "packages");
        foreach (var package in packages.Where(p => !IsPackageName(p)))
            reader.Error(root, "packages", $"packages: '{package}' is not a Debian package name (optionally =version)");

        var variables = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in reader.TextMap(root, "variables"))
        {
            if (!VariableName().IsMatch(name.Value ?? ""))
                reader.Error(name, $"variables: '{name.Value}' must be letters, digits and underscores");
            else
                variables.Add(new(name.Value!, value));
        }

        var lockfiles = reader.TextList(root, "lockfiles");
        var dockerfile = reader.Text(root, "dockerfile");
        foreach (var path in lockfiles.Append(dockerfile).OfType<string>().Where(p => !IsRelative(p)))
            reader.Error(root, path == dockerfile ? "dockerfile" : "lockfiles", $"'{path}' must be a path inside the repository");

        var manifest = new EnvironmentManifest
        {
            Base = reader.Text(root, "base") ?? "debian-bookworm",
            Runtimes = runtimes.OrderBy(r => r.Name, StringComparer.Ordinal).ToList(),
            Packages = packages.Distinct().Order(StringComparer.Ordinal).ToList(),
            Setup = reader.TextList(root, "setup"),
            Variables = variables.OrderBy(v => v.Key, StringComparer.Ordinal).ToList(),
            Caches = reader.NameList(root, "caches", CacheNames).Order(StringComparer.Ordinal).ToList(),
            Lockfiles = lockfiles,
            Dockerfile = dockerfile,
        };
        return errors.Count > 0 ? throw new EnvironmentManifestException(errors) : manifest;
    }

    /// <summary>A runtime version as a manifest may name it (18, 3.12, 8.0.1): it ends up in an image's name.</summary>
    public static bool IsVersion(string version) => Version().IsMatch(version);

    /// <summary>A Debian package name, optionally =version: it ends up on an apt-get line.</summary>
    public static bool IsPackageName(string package) => PackageName().IsMatch(package);

    static bool IsRelative(string path) =>
        !Path.IsPathRooted(path) && !path.Replace('\\', '/').Split('/').Contains("..");

    [GeneratedRegex(@"^\d+(\.\d+){0,2}$")]
    private static partial Regex Version();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.:~+-]+)?$")]
    private static partial Regex PackageName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();
}

public sealed record RuntimeVersion(string Name, string Version);

/// <summary>.builder/environment.yaml could not be used; every message names its line.</summary>
public sealed class EnvironmentManifestException(IReadOnlyList<string> errors)
    : Exception($"{EnvironmentManifest.FileName} is not valid:\n" + string.Join('\n', errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
