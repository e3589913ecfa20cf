using System.Text.Json.Nodes;

namespace Builder.Tests.Agent.Scripted;

/// <summary>A request the scripted model received, as it came over the wire.</summary>
public sealed record ScriptedRequest(string Api, string Role, string Body, JsonNode Json, string System, IReadOnlyList<string> ToolNames)
{
    /// <summary>The text of the last message (what the model is answering).</summary>
    public string LastMessage
    {
        get
        {
            var messages = Json["messages"]?.AsArray();
            return messages is { Count: > 0 } ? messages[^1]!.ToJsonString() : "";
        }
    }
}
