using System.Text.Json.Nodes;

namespace Builder.Tests.Agent.Scripted;

/// <summary>A request the scripted model received, as it came over the wire.</summary>
public sealed record ScriptedRequest(string Api, string Role, string Body, JsonNode Json, string System, IReadOnlyList<string> ToolNames)
{
    /// <summary>The text of the last message (what the model is answering): a user's words or a tool's result.</summary>
    public string LastMessage
    {
        get
        {
            var messages = Json["messages"]?.AsArray();
            return messages is { Count: > 0 } ? TextOf(messages[^1]!["content"]) : "";
        }
    }

    static string TextOf(JsonNode? content) => content switch
    {
        null => "",
        JsonValue value => value.GetValue<string>(),
        JsonArray parts => string.Join("\n", parts.Select(p => p is JsonObject part ? TextOf(part["text"] ?? part["content"]) : TextOf(p))),
        _ => content.ToJsonString(),
    };
}
