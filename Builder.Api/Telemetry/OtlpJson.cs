using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Builder.Api.Telemetry;

/// <summary>What is wrong with an OTLP payload, and where: the path of the field as the sender wrote it ("resourceLogs[0].scopeLogs").</summary>
public sealed class OtlpFormatException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>
/// Reads the JSON encoding of OTLP (protobuf's JSON mapping with OTLP's changes): lowerCamelCase keys,
/// 64-bit integers as decimal strings or numbers, enums as integers, doubles as numbers or "NaN" and
/// "Infinity". Fields it does not know are ignored, as the specification asks of receivers, so a newer
/// SDK's additions do not break ingestion; a known field of the wrong type is refused with its path.
/// </summary>
public static class OtlpJson
{
    /// <summary>
    /// The one field of an Export*ServiceRequest. Its top level is checked strictly: any other field there
    /// means the body is not that request (a logs export sent to the metrics path, say).
    /// </summary>
    public static JsonElement Root(JsonElement root, string request, string field)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new OtlpFormatException("", $"The body must be a JSON object: an OTLP {request}.");
        foreach (var property in root.EnumerateObject())
            if (property.Name != field)
                throw new OtlpFormatException(property.Name, $"{property.Name} is not a field of an OTLP {request}; its one field is {field}.");
        return root.TryGetProperty(field, out var value) ? value : default;
    }

    /// <summary>The objects of an array field, with their paths; none when it is absent or null.</summary>
    public static IEnumerable<(JsonElement Item, string Path)> Objects(JsonElement holder, string name, string path) =>
        Field(holder, name) is { } array ? Items(array, Join(path, name)) : [];

    /// <summary>The objects of an array, with their paths; none when it is absent (undefined) or null.</summary>
    public static IEnumerable<(JsonElement Item, string Path)> Items(JsonElement array, string field)
    {
        if (array.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            yield break;
        if (array.ValueKind != JsonValueKind.Array)
            throw new OtlpFormatException(field, $"{field} must be a JSON array.");
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var at = $"{field}[{i++}]";
            if (item.ValueKind != JsonValueKind.Object)
                throw new OtlpFormatException(at, $"{at} must be a JSON object.");
            yield return (item, at);
        }
    }

    /// <summary>An array's elements read one by one (numbers of a histogram); empty when absent.</summary>
    public static List<T> Values<T>(JsonElement holder, string name, string path, Func<JsonElement, string, T> read)
    {
        var field = Join(path, name);
        if (Field(holder, name) is not { } array)
            return [];
        if (array.ValueKind != JsonValueKind.Array)
            throw new OtlpFormatException(field, $"{field} must be a JSON array.");
        return array.EnumerateArray().Select((item, i) => read(item, $"{field}[{i}]")).ToList();
    }

    /// <summary>An object field; null when absent or null.</summary>
    public static JsonElement? Object(JsonElement holder, string name, string path)
    {
        if (Field(holder, name) is not { } value)
            return null;
        return value.ValueKind == JsonValueKind.Object ? value : throw new OtlpFormatException(Join(path, name), $"{Join(path, name)} must be a JSON object.");
    }

    public static string? Text(JsonElement holder, string name, string path)
    {
        if (Field(holder, name) is not { } value)
            return null;
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new OtlpFormatException(Join(path, name), $"{Join(path, name)} must be a string.");
    }

    /// <summary>An integer field (int32, int64, fixed64 or an enum): a JSON number, or for 64-bit ones a decimal string.</summary>
    public static long? Integer(JsonElement holder, string name, string path) =>
        Field(holder, name) is { } value ? Integer(value, Join(path, name)) : null;

    public static long Integer(JsonElement value, string field)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
            return number;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var real) && real == Math.Floor(real) && Math.Abs(real) < 9.2e18)
            return (long)real;
        if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var text))
            return text;
        throw new OtlpFormatException(field, $"{field} must be an integer (a JSON number or a string of digits), not {Describe(value)}.");
    }

    /// <summary>A double field: a JSON number, or a string holding one ("NaN", "Infinity" and "-Infinity" included).</summary>
    public static double? Number(JsonElement holder, string name, string path) =>
        Field(holder, name) is { } value ? Number(value, Join(path, name)) : null;

    public static double Number(JsonElement value, string field)
    {
        if (value.ValueKind == JsonValueKind.Number)
            return value.GetDouble();
        if (value.ValueKind == JsonValueKind.String)
            switch (value.GetString())
            {
                case "NaN":
                    return double.NaN;
                case "Infinity":
                    return double.PositiveInfinity;
                case "-Infinity":
                    return double.NegativeInfinity;
                case var text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                    return parsed;
            }

        throw new OtlpFormatException(field, $"{field} must be a number, not {Describe(value)}.");
    }

    /// <summary>A timestamp in nanoseconds since the epoch; null when absent or 0 (unknown).</summary>
    public static DateTime? Time(JsonElement holder, string name, string path)
    {
        if (Integer(holder, name, path) is not { } nanos || nanos <= 0)
            return null;
        return DateTime.UnixEpoch.AddTicks(Math.Min(nanos / 100, DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks));
    }

    /// <summary>The "attributes" list of KeyValue as text by key (the last one wins when a key repeats).</summary>
    public static Dictionary<string, string> Attributes(JsonElement holder, string path)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (pair, at) in Objects(holder, "attributes", path))
        {
            var key = Text(pair, "key", at);
            if (string.IsNullOrEmpty(key))
                throw new OtlpFormatException(Join(at, "key"), $"{Join(at, "key")} is required: every attribute has a key.");
            if (Object(pair, "value", at) is { } value && AnyValue(value, Join(at, "value")) is { } text)
                attributes[key] = text;
        }

        return attributes;
    }

    /// <summary>An AnyValue as text: a string as is, numbers and booleans as written, arrays and maps as JSON; null when it holds nothing.</summary>
    public static string? AnyValue(JsonElement value, string path)
    {
        if (Text(value, "stringValue", path) is { } text)
            return text;
        if (Field(value, "boolValue") is { } flag)
            return flag.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? flag.GetBoolean() ? "true" : "false"
                : throw new OtlpFormatException(Join(path, "boolValue"), $"{Join(path, "boolValue")} must be true or false.");
        if (Integer(value, "intValue", path) is { } integer)
            return integer.ToString(CultureInfo.InvariantCulture);
        if (Number(value, "doubleValue", path) is { } real)
            return real.ToString(CultureInfo.InvariantCulture);
        if (Text(value, "bytesValue", path) is { } bytes)
            return bytes;
        if (Object(value, "arrayValue", path) is { } array)
            return "[" + string.Join(", ", Objects(array, "values", Join(path, "arrayValue")).Select(v => AnyValue(v.Item, v.Path) ?? "")) + "]";
        if (Object(value, "kvlistValue", path) is { } list)
            return "{" + string.Join(", ", Objects(list, "values", Join(path, "kvlistValue"))
                .Select(kv => $"{Text(kv.Item, "key", kv.Path)}: {(Object(kv.Item, "value", kv.Path) is { } v ? AnyValue(v, Join(kv.Path, "value")) : "")}")) + "}";
        return null;
    }

    /// <summary>The service.version attribute of a resource entry (resourceMetrics[i], resourceLogs[i]...): which of the service's versions sent it.</summary>
    public static string? ServiceVersion(JsonElement resourceEntry, string path) =>
        Object(resourceEntry, "resource", path) is { } resource && Attributes(resource, Join(path, "resource")).TryGetValue("service.version", out var version)
            ? version
            : null;

    /// <summary>A metric's or series' name with its attributes, as Prometheus writes one: name{a="1",b="x"}, attributes sorted so the key is stable.</summary>
    public static string SeriesKey(string name, IReadOnlyDictionary<string, string> attributes)
    {
        if (attributes.Count == 0)
            return name;
        var key = new StringBuilder(name).Append('{');
        foreach (var (label, value) in attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
            key.Append(label).Append("=\"").Append(value.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append("\",");
        key[^1] = '}';
        return key.ToString();
    }

    public static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    /// <summary>A present, non-null field; protobuf's JSON mapping reads null as the field's default.</summary>
    static JsonElement? Field(JsonElement holder, string name) =>
        holder.ValueKind == JsonValueKind.Object && holder.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"\"{Cut(value.GetString()!)}\"",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => Cut(value.GetRawText()),
    };

    static string Cut(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
