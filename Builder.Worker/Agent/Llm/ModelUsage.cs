using System.Text.Json;

namespace Builder.Worker.Agent.Llm;

/// <summary>Tokens and the finish reason, read from the provider's own response body (the same for every connector).</summary>
public sealed record ModelUsage(int InputTokens, int OutputTokens, string? FinishReason)
{
    public static ModelUsage Parse(string provider, string responseBody, int estimatedInput)
    {
        try
        {
            using var doc = JsonDocument.Parse(responseBody);
            var root = doc.RootElement;
            if (provider == Core.Llm.LlmSettings.Anthropic)
            {
                var usage = root.TryGetProperty("usage", out var u) ? u : default;
                return new ModelUsage(
                    Int(usage, "input_tokens") + Int(usage, "cache_read_input_tokens") + Int(usage, "cache_creation_input_tokens") is var i && i > 0 ? i : estimatedInput,
                    Int(usage, "output_tokens"),
                    root.TryGetProperty("stop_reason", out var stop) && stop.ValueKind == JsonValueKind.String ? stop.GetString() : null);
            }

            var openAiUsage = root.TryGetProperty("usage", out var ou) ? ou : default;
            string? finish = null;
            if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0
                && choices[0].TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String)
                finish = f.GetString();
            var input = Int(openAiUsage, "prompt_tokens");
            return new ModelUsage(input > 0 ? input : estimatedInput, Int(openAiUsage, "completion_tokens"), finish);
        }
        catch (JsonException)
        {
            return new ModelUsage(estimatedInput, 0, null);
        }
    }

    static int Int(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.TryGetInt32(out var number) ? number : 0;
}
