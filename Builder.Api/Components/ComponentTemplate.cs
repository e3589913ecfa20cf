using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Builder.Api.Components;

/// <summary>
/// The service templates a new component starts from, one per runtime, kept as files in
/// Components/Templates and embedded in this assembly. Each already answers the five service
/// endpoints, has a test, and a builder.yaml that deploys it with those endpoints as its contract.
/// </summary>
public static class ComponentTemplate
{
    const string Prefix = "template/";

    public static readonly IReadOnlyList<string> Runtimes = ["node", "python"];

    /// <summary>The template's files for <paramref name="runtime"/>, with the component's name, description and capabilities filled in.</summary>
    public static IReadOnlyDictionary<string, string> Render(string runtime, string name, string description, IReadOnlyList<string> capabilities)
    {
        var assembly = typeof(ComponentTemplate).Assembly;
        var folder = $"{Prefix}{runtime}/";
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var capabilitiesJson = new JsonObject
        {
            ["name"] = name, ["description"] = description, ["runtime"] = runtime, ["version"] = "0.1.0",
            ["capabilities"] = new JsonArray(capabilities.Select(c => (JsonNode?)c).ToArray()),
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(folder, StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            var path = resource[folder.Length..].Replace('\\', '/');
            var quoted = path.EndsWith(".json", StringComparison.Ordinal) || path.EndsWith(".toml", StringComparison.Ordinal);
            files[path] = reader.ReadToEnd()
                .Replace("__CAPABILITIES_JSON__", capabilitiesJson, StringComparison.Ordinal)
                .Replace("__SERVICE__", name, StringComparison.Ordinal)
                .Replace("__DESCRIPTION__", quoted ? JsonSerializer.Serialize(description)[1..^1] : description, StringComparison.Ordinal);
        }

        return files.Count == 0 ? throw new InvalidOperationException($"No template for runtime '{runtime}' is embedded.") : files;
    }
}
