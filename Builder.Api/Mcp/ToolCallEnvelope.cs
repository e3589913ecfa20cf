using System.Text.Json;
using System.Text.Json.Nodes;

namespace Builder.Api.Mcp;

/// <summary>
/// Checks the envelope of a tools/call request before the MCP SDK reads it. The SDK answers a call
/// without a tool name, or with arguments that are not an object, with -32603 "An error occurred."
/// (it fails while deserializing the parameters, before any filter runs); a caller needs -32602 and
/// the reason. Everything else passes through untouched.
/// </summary>
public static class ToolCallEnvelope
{
    const int InvalidParams = -32602;

    /// <summary>Wraps the MCP endpoint's handler.</summary>
    public static RequestDelegate Checked(RequestDelegate next) => async context =>
    {
        if (!HttpMethods.IsPost(context.Request.Method) || context.Request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true)
        {
            await next(context);
            return;
        }

        context.Request.EnableBuffering();
        JsonNode? message;
        try
        {
            message = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            message = null; // The SDK answers a parse error itself (-32700).
        }
        context.Request.Body.Position = 0;

        if (message is JsonObject request && Problem(request) is { } problem)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            await context.Response.WriteAsJsonAsync(new JsonObject
            {
                ["jsonrpc"] = "2.0",
                ["id"] = request["id"]?.DeepClone(),
                ["error"] = new JsonObject { ["code"] = InvalidParams, ["message"] = problem },
            }, context.RequestAborted);
            return;
        }

        await next(context);
    };

    /// <summary>What is wrong with a tools/call request's parameters, or null when the SDK can take it.</summary>
    public static string? Problem(JsonObject request)
    {
        if ((request["method"] as JsonValue)?.TryGetValue<string>(out var method) != true || method != "tools/call")
            return null;
        if (request["params"] is not JsonObject parameters)
            return "tools/call needs params: {name, arguments}.";
        if (parameters["name"] is not JsonValue name || !name.TryGetValue<string>(out var toolName) || string.IsNullOrWhiteSpace(toolName))
            return "tools/call needs params.name: the name of the tool to call (tools/list lists them).";
        if (parameters.TryGetPropertyValue("arguments", out var arguments) && arguments is not null and not JsonObject)
            return $"The arguments of '{toolName}' must be a JSON object of named arguments, not {Kind(arguments)}.";
        return null;
    }

    static string Kind(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "this value",
    };
}
