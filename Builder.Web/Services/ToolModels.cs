using System.Text.Json;

namespace Builder.Web.Services;

/// <summary><c>GET /api/tools</c>: the workers' tools, the broken manifests, and why there is no engine (if so).</summary>
public sealed record ToolCatalogInfo(List<ToolInfo> Tools, List<BrokenToolInfo> Broken, string? Engine);

public sealed record ToolInfo(
    string Name, string Description, string Runtime, string? Version, JsonElement InputSchema, long TimeoutMs, List<string> Network, string? Image,
    bool ImageBuilt, string Health)
{
    /// <summary>The input's top-level properties as "name: type", required ones marked.</summary>
    public IEnumerable<string> Arguments()
    {
        if (!InputSchema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
            yield break;
        var required = InputSchema.TryGetProperty("required", out var names) && names.ValueKind == JsonValueKind.Array
            ? names.EnumerateArray().Select(n => n.GetString()).ToHashSet()
            : [];
        foreach (var property in properties.EnumerateObject())
        {
            var type = property.Value.TryGetProperty("type", out var t) ? t.ToString() : "any";
            yield return $"{property.Name}: {type}{(required.Contains(property.Name) ? "" : " (optional)")}";
        }
    }
}

public sealed record BrokenToolInfo(string Name, List<string> Errors);

/// <summary>One call of a tool; <see cref="LogsUrl"/> is the Api's path of its log.</summary>
public sealed record ToolExecutionInfo(
    Guid Id, string Tool, string Status, JsonElement? Output, int? ExitCode, long DurationMs, string? Image, string RequestedBy, DateTimeOffset CreatedAt,
    DateTimeOffset? EndedAt, string LogsUrl);
