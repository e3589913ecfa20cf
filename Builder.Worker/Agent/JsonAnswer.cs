using System.Text.Json;

namespace Builder.Worker.Agent;

/// <summary>Finds the JSON object in a model's final answer, tolerating a code fence or a sentence around it.</summary>
public static class JsonAnswer
{
    public static (JsonElement Value, string? Problem) Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return (default, "the answer was empty; it must be a JSON object");
        var start = text.IndexOf('{');
        var end = text.LastIndexOf('}');
        if (start < 0 || end < start)
            return (default, "the answer has no JSON object");
        try
        {
            using var document = JsonDocument.Parse(text.AsMemory(start, end - start + 1), new JsonDocumentOptions { AllowTrailingCommas = true });
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException ex)
        {
            return (default, $"the answer is not valid JSON ({ex.Message})");
        }
    }

    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];

    public static bool IsArray(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array;
}
