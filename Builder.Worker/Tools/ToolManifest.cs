using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Builder.Worker.Environments;
using Builder.Worker.Manifests;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Builder.Worker.Tools;

/// <summary>
/// A tool from tools/&lt;name&gt;/tool.yaml: what it is called and does, how it runs (a shell, Python or
/// Node entry point reading its input as JSON on stdin and writing its output to stdout), the JSON
/// Schema of its input, its limits, and the hosts it may reach (none unless listed).
/// </summary>
public sealed partial record ToolManifest
{
    public const string FileName = "tool.yaml";

    public static readonly IReadOnlyList<string> RuntimeNames = ["node", "python", "shell"];

    public required string Name { get; init; }
    public required string Description { get; init; }
    public required string Runtime { get; init; }

    /// <summary>The runtime's version in the tool's image (node, python); null for the base image's own.</summary>
    public string? Version { get; init; }

    /// <summary>The entry point, relative to the tool's folder.</summary>
    public required string Entry { get; init; }

    public required JsonObject InputSchema { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
    public long MemoryBytes { get; init; } = 512L * 1024 * 1024;
    public IReadOnlyList<string> Network { get; init; } = [];
    public IReadOnlyList<string> Packages { get; init; } = [];

    /// <summary>The folder holding tool.yaml and the entry point.</summary>
    public string Folder { get; init; } = "";

    /// <summary>The program that runs the entry point.</summary>
    public string Interpreter => Runtime switch { "node" => "node", "python" => "python3", _ => "/bin/sh" };

    public static ToolManifest Parse(string yaml, string folder)
    {
        var root = ManifestReader.Load(yaml, "name, description, runtime, entry, input, ...", out var loadError)
                   ?? throw new ToolManifestException([loadError!]);
        var errors = new List<string>();
        var reader = new ManifestReader(errors);
        reader.RefuseUnknown(root, ["name", "description", "runtime", "version", "entry", "input", "timeout", "memory", "network", "packages"], "");

        var name = reader.Text(root, "name", required: true);
        if (name is not null && !ToolName().IsMatch(name))
            reader.Error(root, "name", $"name '{name}' must be lowercase letters, digits, '-' and '_', starting with a letter (at most 64)");
        else if (name is not null && Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)) != name)
            reader.Error(root, "name", $"name '{name}' must be the name of its folder ({Path.GetFileName(Path.TrimEndingDirectorySeparator(folder))})");
        var description = reader.Text(root, "description", required: true);
        var runtime = reader.Text(root, "runtime", required: true);
        if (runtime is not null && !RuntimeNames.Contains(runtime))
            reader.Error(root, "runtime", $"runtime '{runtime}' is not one of {string.Join(", ", RuntimeNames)}");
        var version = reader.Text(root, "version");
        if (version is not null && runtime == "shell")
            reader.Error(root, "version", "version applies to node and python only");
        else if (version is not null && !EnvironmentManifest.IsVersion(version))
            reader.Error(root, "version", $"version '{version}' must be a version like 18 or 3.12");
        var entry = reader.Text(root, "entry", required: true);
        if (entry is not null && (Path.IsPathRooted(entry) || entry.Replace('\\', '/').Split('/').Contains("..")))
            reader.Error(root, "entry", $"entry '{entry}' must be a file inside the tool's folder");
        else if (entry is not null && !File.Exists(Path.Combine(folder, entry)))
            reader.Error(root, "entry", $"entry '{entry}' does not exist in {folder}");

        JsonObject? schema = null;
        if (reader.Mapping(root, "input") is { } input)
        {
            schema = ToJson(input) as JsonObject;
            if (schema?["type"]?.GetValue<string>() is not "object")
                reader.Error(input, "input must be a JSON Schema of type object (its properties are the tool's arguments)");
        }
        else
            reader.Error(root, "input is required: the JSON Schema of the tool's input, e.g. {type: object, properties: {...}}");
        var packages = reader.TextList(root, "packages");
        foreach (var package in packages.Where(p => !EnvironmentManifest.IsPackageName(p)))
            reader.Error(root, "packages", $"packages: '{package}' is not a Debian package name (optionally =version)");

        var manifest = new ToolManifest
        {
            Name = name ?? "",
            Description = description ?? "",
            Runtime = runtime ?? "",
            Version = version,
            Entry = entry ?? "",
            InputSchema = schema ?? [],
            Timeout = reader.Duration(root, "timeout", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)) ?? TimeSpan.FromSeconds(60),
            MemoryBytes = reader.Bytes(root, "memory", 16L * 1024 * 1024) ?? 512L * 1024 * 1024,
            Network = reader.HostList(root, "network"),
            Packages = packages,
            Folder = folder,
        };
        return errors.Count > 0 ? throw new ToolManifestException(errors) : manifest;
    }

    /// <summary>YAML as JSON: plain scalars that read as numbers, booleans or null become those; the rest strings.</summary>
    static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "true" or "false" } flag => JsonValue.Create(flag.Value == "true"),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "null" or "~" or "" } => null,
        YamlScalarNode { Style: ScalarStyle.Plain } number when long.TryParse(number.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole) => JsonValue.Create(whole),
        YamlScalarNode { Style: ScalarStyle.Plain } number when double.TryParse(number.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) => JsonValue.Create(real),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => null,
    };

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,63}$")]
    private static partial Regex ToolName();
}

/// <summary>A tool.yaml could not be used; every message names its line.</summary>
public sealed class ToolManifestException(IReadOnlyList<string> errors)
    : Exception($"{ToolManifest.FileName} is not valid:\n" + string.Join('\n', errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
