using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Builder.Api.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using ProblemDetails = Microsoft.AspNetCore.Mvc.ProblemDetails;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;

namespace Builder.Api.Mcp;

/// <summary>
/// Runs an HTTP endpoint's own handler for an MCP tool call and turns its result into the tool's
/// result: the response body as JSON text (and as structured content), or a problem as a tool error
/// whose text is the problem's detail. The scopes are checked first, as the endpoint's policy would.
/// </summary>
public sealed class ApiCall(ClaimsPrincipal user, IOptions<JsonOptions> json)
{
    /// <summary>The same sentence as the HTTP API's 403, naming the scope that is missing.</summary>
    public const string MissingScope = "The API key lacks the scope this operation needs.";

    public async Task<CallToolResult> RunAsync<TResult>(string[] scopes, Func<HttpContext, Task<TResult>> endpoint) where TResult : IResult
    {
        if (scopes.FirstOrDefault(s => !user.HasScope(s)) is { } missing)
            return Error(new ProblemDetails { Status = StatusCodes.Status403Forbidden, Title = "Forbidden", Detail = $"{MissingScope} It needs '{missing}'." });

        // A context of its own: the handler sees the caller, and nothing it might set reaches the MCP response.
        var http = new DefaultHttpContext { User = user };
        return Convert(await endpoint(http));
    }

    public CallToolResult Convert(IResult result)
    {
        while (result is INestedHttpResult nested)
            result = nested.Result;
        return result switch
        {
            ProblemHttpResult problem => Error(ArgumentNames.Translate(problem.ProblemDetails)),
            ValidationProblem validation => Error(ArgumentNames.Translate(validation.ProblemDetails)),
            IValueHttpResult { Value: var value } => Success(value),
            IStatusCodeHttpResult { StatusCode: >= 400 and var status } =>
                Error(new ProblemDetails { Status = status, Title = Phrase(status), Detail = Phrase(status) }),
            _ => Success(null),
        };
    }

    CallToolResult Success(object? value)
    {
        var node = JsonSerializer.SerializeToNode(value, json.Value.SerializerOptions);
        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = node?.ToJsonString(json.Value.SerializerOptions) ?? "null" }],
            // Structured content must be an object: a list is wrapped as {"items": [...]}.
            StructuredContent = node switch
            {
                JsonObject o => JsonSerializer.SerializeToElement(o),
                JsonArray a => JsonSerializer.SerializeToElement(new JsonObject { ["items"] = a }),
                _ => null,
            },
        };
    }

    CallToolResult Error(ProblemDetails problem)
    {
        problem.Status ??= StatusCodes.Status400BadRequest;
        return new CallToolResult
        {
            IsError = true,
            Content = [new TextContentBlock { Text = problem.Detail ?? problem.Title ?? "The request failed." }],
            StructuredContent = JsonSerializer.SerializeToElement(problem, problem.GetType(), json.Value.SerializerOptions),
        };
    }

    static string Phrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
