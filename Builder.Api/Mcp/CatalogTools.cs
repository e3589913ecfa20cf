using System.Security.Claims;
using System.Text.Json;
using Builder.Api.Tools;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using MassTransit;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Builder.Api.Mcp;

/// <summary>
/// The workers' tools (tools/&lt;name&gt;/tool.yaml) as MCP tools: listed beside Builder's own with the
/// manifest's name, description and input schema, and called through the HTTP API's execute handler.
/// A tool named like one of Builder's own is not listed: Builder's wins.
/// </summary>
public static class CatalogTools
{
    public static McpRequestHandler<ListToolsRequestParams, ListToolsResult> List(McpRequestHandler<ListToolsRequestParams, ListToolsResult> next) =>
        async (request, cancellationToken) =>
        {
            var result = await next(request, cancellationToken);
            var builtIn = result.Tools.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var tool in await DescribeAsync(request.Services!, cancellationToken))
            {
                if (builtIn.Contains(tool.Name))
                    continue;
                result.Tools.Add(new Tool
                {
                    Name = tool.Name,
                    Title = tool.Name,
                    Description = $"{tool.Description} (A tool of this Builder: runs sandboxed, at most {tool.TimeoutMs / 1000.0:0.#} s; " +
                                  "answers {status, output, exitCode, logsUrl}.)",
                    InputSchema = JsonDocument.Parse(tool.InputSchema).RootElement.Clone(),
                    Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = false, OpenWorldHint = tool.Network.Count > 0 },
                });
            }

            return result;
        };

    public static McpRequestHandler<CallToolRequestParams, CallToolResult> Call(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (request, cancellationToken) =>
        {
            if (request.MatchedPrimitive is not null || request.Params?.Name is not { } name)
                return await next(request, cancellationToken);
            var services = request.Services!;
            if ((await DescribeAsync(services, cancellationToken)).All(t => t.Name != name))
                return await next(request, cancellationToken);

            var input = JsonSerializer.SerializeToElement(request.Params.Arguments ?? new Dictionary<string, JsonElement>());
            var call = new ApiCall(request.User ?? new ClaimsPrincipal(), services.GetRequiredService<IOptions<JsonOptions>>());
            var result = await call.RunAsync([ApiScopes.FeaturesWrite], http => ToolsApi.Execute(name, new ExecuteToolRequest(input), http,
                services.GetRequiredService<BuilderDbContext>(), services.GetRequiredService<IRequestClient<DescribeTools>>(),
                services.GetRequiredService<IRequestClient<ExecuteTool>>(), cancellationToken));
            // An execution that ran and failed is the tool's error, not a successful call with a failed status inside.
            if (result.IsError != true && result.StructuredContent is { } execution
                && execution.TryGetProperty("status", out var status) && status.GetString() is { } ended and not "succeeded")
                result.IsError = true;
            return result;
        };

    static async Task<IReadOnlyList<ToolDescription>> DescribeAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await services.GetRequiredService<IRequestClient<DescribeTools>>()
                .GetResponse<ToolsDescribed>(new DescribeTools(), cancellationToken, RequestTimeout.After(s: 10));
            return reply.Message.Tools;
        }
        catch (RequestTimeoutException)
        {
            // No worker answered: Builder's own tools are still there.
            return [];
        }
    }
}
