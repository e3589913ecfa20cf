using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Builder.Api.Infrastructure;

/// <summary>
/// Why the framework could not read a request, said in Builder's words: the framework's own messages
/// name CLR types and parameters ("Nullable`1", "Implicit body inferred") that mean nothing to a caller.
/// </summary>
/// <param name="Field">The request field at fault, as the caller spells it ("draft.files[0].mode"), or null for the request as a whole.</param>
public sealed partial record UnreadableRequest(int Status, string? Field, string Message)
{
    public static UnreadableRequest From(BadHttpRequestException bad, JsonSerializerOptions options)
    {
        if (bad.InnerException is JsonException json)
            return FromJson(json, options);
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
            return new(bad.StatusCode, null, "The request body is larger than this operation accepts.");
        if (MediaType().Match(bad.Message) is { Success: true } media)
            return new(StatusCodes.Status415UnsupportedMediaType, null,
                $"The request body must be JSON sent as Content-Type: application/json, not '{media.Groups["type"].Value}'.");
        if (ImplicitBody().IsMatch(bad.Message) || MissingParameter().Match(bad.Message) is { Success: true, Groups: var g } && g["source"].Value == "body")
            return new(bad.StatusCode, null, "The request needs a JSON body.");
        if (MissingParameter().Match(bad.Message) is { Success: true } missing)
            return new(bad.StatusCode, missing.Groups["name"].Value, $"{missing.Groups["name"].Value} is required.");
        if (FailedToBind().Match(bad.Message) is { Success: true } binding)
        {
            var name = binding.Groups["name"].Value;
            return new(bad.StatusCode, name, $"{name} must be {Expected(binding.Groups["type"].Value)}; '{binding.Groups["value"].Value}' is not.");
        }

        return new(bad.StatusCode, null, "The request could not be read.");
    }

    static UnreadableRequest FromJson(JsonException json, JsonSerializerOptions options)
    {
        var field = FieldOf(json.Path);
        if (UnknownMember().Match(json.Message) is { Success: true } unknown)
        {
            var name = unknown.Groups["name"].Value;
            var at = field is null ? name : field.EndsWith(name, StringComparison.Ordinal) ? field : $"{field}.{name}";
            var known = TypeNamed(unknown.Groups["type"].Value) is { } type ? Fields(type, options) : [];
            return new(StatusCodes.Status400BadRequest, at,
                $"{at} is not a field of this request{(known.Count == 0 ? "" : $"; the fields are {string.Join(", ", known)}")}.");
        }

        if (NotConvertible().Match(json.Message) is { Success: true } conversion)
        {
            // The message names the object that holds the field; the field's own type says what was expected.
            if (field is null)
                return new(StatusCodes.Status400BadRequest, null, "The request body must be a JSON object.");
            // A collection names itself rather than its holder.
            var named = conversion.Groups["type"].Value;
            if (named.Contains('`') && !named.StartsWith("System.Nullable", StringComparison.Ordinal))
                return new(StatusCodes.Status400BadRequest, field, $"{field} must be {Expected(named)}.");
            var holder = TypeNamed(named);
            var property = holder is null ? null : PropertyType(holder, field, options);
            if (property is null)
                return new(StatusCodes.Status400BadRequest, field, holder is null && conversion.Groups["type"].Value.Contains('`')
                    ? $"{field} must be {Expected(conversion.Groups["type"].Value)}."
                    : $"{field} has the wrong type.");
            var type = Nullable.GetUnderlyingType(property) ?? property;
            return type.IsEnum
                ? new(StatusCodes.Status400BadRequest, field, $"{field} must be one of {string.Join(", ", EnumNames(type, options))} (by name).")
                : new(StatusCodes.Status400BadRequest, field, $"{field} must be {Expected(type)}.");
        }

        // A syntax error: the reader's message says where, without the CLR's vocabulary.
        var reason = PathSuffix().Replace(json.Message, "").TrimEnd('.', ' ');
        return new(StatusCodes.Status400BadRequest, null,
            $"The request body is not valid JSON: {reason} (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1}).");
    }

    /// <summary>"$.draft.files[0].mode" as the caller wrote it: "draft.files[0].mode"; the body itself has none.</summary>
    static string? FieldOf(string? path) =>
        path is null or "$" ? null : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    static Type? PropertyType(Type holder, string field, JsonSerializerOptions options)
    {
        var last = field.Split('.')[^1];
        if (last.EndsWith(']'))
            return null;
        try
        {
            return options.GetTypeInfo(holder).Properties.FirstOrDefault(p => p.Name == last)?.PropertyType;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    static IReadOnlyList<string> Fields(Type type, JsonSerializerOptions options)
    {
        try
        {
            return options.GetTypeInfo(type).Properties.Select(p => p.Name).ToList();
        }
        catch (NotSupportedException)
        {
            return [];
        }
    }

    /// <summary>Enum names as the API writes them, so the list matches what the caller sees in responses.</summary>
    static IEnumerable<string> EnumNames(Type enumType, JsonSerializerOptions options) =>
        Enum.GetValues(enumType).Cast<object>().Select(v => JsonSerializer.Serialize(v, enumType, options).Trim('"'));

    /// <summary>"System.Nullable`1[[System.Guid, System.Private.CoreLib, ...]]" and "Nullable&lt;int&gt;" are the type inside.</summary>
    static string Unwrapped(string clrType)
    {
        if (clrType.StartsWith("Nullable<", StringComparison.Ordinal) && clrType.EndsWith('>'))
            return clrType["Nullable<".Length..^1];
        return NullableOf().Match(clrType) is { Success: true } nullable ? nullable.Groups["inner"].Value : clrType;
    }

    static string Expected(Type type) => type switch
    {
        _ when type == typeof(string) => "a string",
        _ when type == typeof(Guid) => "a UUID (like 0f8fad5b-d9cb-469f-a165-70867728950e)",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "an integer",
        _ when type == typeof(double) || type == typeof(decimal) || type == typeof(float) => "a number",
        _ when type == typeof(DateTime) || type == typeof(DateTimeOffset) => "a date and time (ISO 8601)",
        _ when type.IsAssignableTo(typeof(System.Collections.IDictionary)) || type.Name.Contains("Dictionary") => "a JSON object",
        _ when type.IsArray || type.IsAssignableTo(typeof(System.Collections.IEnumerable)) => "a JSON array",
        _ => "a JSON object",
    };

    static string Expected(string clrType)
    {
        var type = Unwrapped(clrType);
        return type switch
        {
            _ when type.Contains('`') || type.EndsWith("[]", StringComparison.Ordinal) => type.Contains("Dictionary") ? "a JSON object" : "a JSON array",
            "System.Guid" or "Guid" => "a UUID (like 0f8fad5b-d9cb-469f-a165-70867728950e)",
            "System.Int32" or "int" or "System.Int64" or "long" or "System.Int16" or "short" => "an integer",
            "System.Double" or "double" or "System.Decimal" or "decimal" or "System.Single" or "float" => "a number",
            "System.Boolean" or "bool" => "true or false",
            "System.String" or "string" => "a string",
            "System.DateTime" or "DateTime" or "System.DateTimeOffset" or "DateTimeOffset" => "a date and time (ISO 8601)",
            _ => "a JSON object",
        };
    }

    static Type? TypeNamed(string name)
    {
        var inner = Unwrapped(name);
        return Type.GetType(inner) ?? AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name?.StartsWith("Builder.", StringComparison.Ordinal) == true)
            .Select(a => a.GetType(inner)).FirstOrDefault(t => t is not null);
    }

    [GeneratedRegex(@"^System\.Nullable`1\[\[?(?<inner>[^,\]]+)")]
    private static partial Regex NullableOf();

    [GeneratedRegex(@"The JSON property '(?<name>.*)' could not be mapped to any \.NET member contained in type '(?<type>[^']+)'")]
    private static partial Regex UnknownMember();

    [GeneratedRegex(@"could not be converted to (?<type>.+?)\. Path:")]
    private static partial Regex NotConvertible();

    [GeneratedRegex(@"\s*Path: .*$", RegexOptions.Singleline)]
    private static partial Regex PathSuffix();

    [GeneratedRegex(@"^Implicit body inferred for parameter")]
    private static partial Regex ImplicitBody();

    [GeneratedRegex(@"^Required parameter ""(?<type>.+) (?<name>[^ ""]+)"" was not provided from (?<source>\w+)")]
    private static partial Regex MissingParameter();

    [GeneratedRegex(@"^Failed to bind parameter ""(?<type>.+) (?<name>[^ ""]+)"" from ""(?<value>.*)""")]
    private static partial Regex FailedToBind();

    [GeneratedRegex(@"Expected a supported JSON media type but got ""(?<type>.*)""")]
    private static partial Regex MediaType();
}
