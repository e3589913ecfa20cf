using System.Globalization;
using System.Text.Json;

namespace Builder.Web.Services;

/// <summary>
/// Careful readers of JSON whose shape is not fixed (event payloads, new APIs): a missing or
/// differently typed property gives null, never an exception. Names are tried in order, any case.
/// </summary>
public static class Payloads
{
    public static JsonElement? Property(JsonElement e, params string[] names)
    {
        if (e.ValueKind != JsonValueKind.Object)
            return null;
        foreach (var name in names)
        {
            if (e.TryGetProperty(name, out var exact))
                return exact;
            foreach (var p in e.EnumerateObject())
                if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                    return p.Value;
        }
        return null;
    }

    /// <summary>A property at a path such as <c>usage.inputTokens</c>.</summary>
    public static JsonElement? Path(JsonElement e, string path)
    {
        JsonElement? current = e;
        foreach (var part in path.Split('.'))
        {
            current = current is { } c ? Property(c, part) : null;
            if (current is null)
                return null;
        }
        return current;
    }

    public static string? Text(JsonElement e, params string[] names) => Property(e, names) switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
        { ValueKind: JsonValueKind.True } => "true",
        { ValueKind: JsonValueKind.False } => "false",
        _ => null,
    };

    public static double? Number(JsonElement e, params string[] names)
    {
        foreach (var name in names)
        {
            var value = name.Contains('.') ? Path(e, name) : Property(e, name);
            switch (value)
            {
                case { ValueKind: JsonValueKind.Number } n when n.TryGetDouble(out var d):
                    return d;
                case { ValueKind: JsonValueKind.String } s when double.TryParse(s.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                    return parsed;
            }
        }
        return null;
    }

    public static bool? Flag(JsonElement e, params string[] names) => Property(e, names) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => null,
    };

    public static DateTimeOffset? Time(JsonElement e, params string[] names) =>
        Text(e, names) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;

    /// <summary>Strings of an array property; an array of objects gives each one's first named text.</summary>
    public static IReadOnlyList<string> Strings(JsonElement e, string name, params string[] objectNames)
    {
        if (Property(e, name) is not { ValueKind: JsonValueKind.Array } array)
            return [];
        var list = new List<string>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
                list.Add(item.GetString()!);
            else if (item.ValueKind == JsonValueKind.Object && Text(item, objectNames) is { } text)
                list.Add(text);
        }
        return list;
    }

    public static IEnumerable<JsonElement> Objects(JsonElement e, params string[] names) =>
        Property(e, names) is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object)
            : [];

    public static string Indented(JsonElement e) => JsonSerializer.Serialize(e, IndentedOptions);

    static readonly JsonSerializerOptions IndentedOptions = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
