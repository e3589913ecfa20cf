using System.Text.Json;

namespace Builder.Api.Mcp;

/// <summary>
/// Checks a tool call's arguments against the tool's input schema before the SDK binds them, so a
/// caller learns which argument is wrong and why (the SDK's own binding failure names neither):
/// missing required arguments, unknown ones (a misspelt name would otherwise be ignored), types,
/// UUIDs and enum values, into arrays and objects.
/// </summary>
public static class ArgumentCheck
{
    public static IReadOnlyList<string> Problems(JsonElement schema, IDictionary<string, JsonElement>? arguments)
    {
        var problems = new List<string>();
        CheckObject("", schema, arguments?.ToDictionary(a => a.Key, a => a.Value) ?? [], problems);
        return problems;
    }

    static void CheckObject(string prefix, JsonElement schema, Dictionary<string, JsonElement> values, List<string> problems)
    {
        var properties = schema.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!).Where(n => !values.ContainsKey(n)))
                problems.Add($"{prefix}{name} is required.");

        foreach (var (name, value) in values)
        {
            if (properties.ValueKind != JsonValueKind.Object || !properties.TryGetProperty(name, out var property))
            {
                var known = properties.ValueKind == JsonValueKind.Object ? properties.EnumerateObject().Select(k => k.Name).ToList() : [];
                problems.Add($"{prefix}{name} is not an argument here; the arguments are {(known.Count == 0 ? "none" : string.Join(", ", known))}.");
                continue;
            }

            CheckValue($"{prefix}{name}", value, property, problems);
        }
    }

    static void CheckValue(string name, JsonElement value, JsonElement schema, List<string> problems)
    {
        var types = Types(schema);
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (types.Count > 0 && !types.Contains("null"))
                problems.Add($"{name} must not be null.");
            return;
        }

        var kind = value.ValueKind switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => value.TryGetInt64(out _) ? "integer" : "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Array => "array",
            _ => "object",
        };
        if (types.Count > 0 && !types.Contains(kind) && !(kind == "integer" && types.Contains("number")))
        {
            problems.Add($"{name} must be {string.Join(" or ", types.Where(t => t != "null").Select(Article))}, not {Article(kind)}.");
            return;
        }

        if (schema.TryGetProperty("enum", out var options) && options.ValueKind == JsonValueKind.Array)
        {
            var allowed = options.EnumerateArray().Where(o => o.ValueKind == JsonValueKind.String).Select(o => o.GetString()!).ToList();
            if (kind == "string" && !allowed.Contains(value.GetString()!, StringComparer.OrdinalIgnoreCase))
                problems.Add($"{name} must be one of {string.Join(", ", allowed)}; '{value.GetString()}' is not.");
        }

        if (kind == "string" && schema.TryGetProperty("format", out var format) && format.GetString() == "uuid" && !Guid.TryParse(value.GetString(), out _))
            problems.Add($"{name} must be a UUID (like 0f8fad5b-d9cb-469f-a165-70867728950e); '{value.GetString()}' is not one.");

        if (kind == "array" && schema.TryGetProperty("items", out var items))
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
                CheckValue($"{name}[{index++}]", item, items, problems);
        }

        if (kind == "object" && schema.TryGetProperty("properties", out _))
            CheckObject($"{name}.", schema, value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value), problems);
    }

    static List<string> Types(JsonElement schema) =>
        !schema.TryGetProperty("type", out var type) ? []
        : type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList()
        : [type.GetString()!];

    static string Article(string type) => type switch
    {
        "array" or "object" or "integer" => $"an {type}",
        _ => $"a {type}",
    };
}
