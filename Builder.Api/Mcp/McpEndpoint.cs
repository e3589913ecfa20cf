using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Builder.Api.Mcp;

/// <summary>
/// The MCP server at /mcp: Streamable HTTP, stateless (any Api process can answer any request, as
/// with the REST API), behind the same API-key authentication, rate limits and scopes.
/// </summary>
public static class McpEndpoint
{
    public const string Path = "/mcp";

    const string Instructions =
        "Builder turns a change to a git repository into a governed run: plan, generate, build, verify (the tests must prove the change), " +
        "then deliver (push a branch, open a pull request), deploy and health-check, with optional approval gates. " +
        "To make a change: list_repositories to find the repository_id; then either submit_feature with the complete new content of every " +
        "changed file, or create_task (with a scope of paths), upload_draft, dry_run (diff and policy verdicts, changes nothing) and apply_task. " +
        "Both return a run id: poll get_feature until status is Completed, Failed, Cancelled, Rejected or RolledBack, and read " +
        "get_feature_events for logs. When status is AwaitingApproval the run waits at a gate (gate: plan or release): approve, reject or revise it. " +
        "get_system_status and query_telemetry_insights describe the system. Ids are UUIDs. A failed call returns a tool error whose text says " +
        "what was wrong, as the HTTP API's problem detail does.";

    /// <summary>Tool arguments: camelCase properties and enum names, like the HTTP API's JSON.</summary>
    static readonly JsonSerializerOptions Arguments = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    public static IServiceCollection AddBuilderMcp(this IServiceCollection services)
    {
        services.AddMcpServer(o =>
            {
                o.ServerInfo = new Implementation { Name = "builder", Title = "Builder", Version = typeof(McpEndpoint).Assembly.GetName().Version?.ToString() ?? "1.0" };
                o.ServerInstructions = Instructions;
            })
            .WithHttpTransport(o => o.Stateless = true)
            .WithRequestFilters(f => f.AddCallToolFilter(next => async (request, cancellationToken) =>
            {
                if (request.MatchedPrimitive is McpServerTool tool
                    && ArgumentCheck.Problems(tool.ProtocolTool.InputSchema, request.Params?.Arguments) is { Count: > 0 } problems)
                    return InvalidArguments(request.Params!.Name, string.Join(" ", problems));
                try
                {
                    return await next(request, cancellationToken);
                }
                catch (Exception ex) when (ex is JsonException or ArgumentException)
                {
                    // Otherwise the SDK hides the reason ("An error occurred invoking ..."); a caller can fix arguments only if told what is wrong.
                    return InvalidArguments(request.Params?.Name, ex.Message);
                }
            })
                .AddCallToolFilter(CatalogTools.Call)
                .AddListToolsFilter(CatalogTools.List))
            .WithTools<FeatureTools>(Arguments)
            .WithTools<ApprovalTools>(Arguments)
            .WithTools<TaskTools>(Arguments)
            .WithTools<SystemTools>(Arguments)
            .WithTools<DeploymentTools>(Arguments)
            .WithTools<ImprovementTools>(Arguments);
        return services;
    }

    static CallToolResult InvalidArguments(string? tool, string detail) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = $"The arguments of '{tool}' do not fit its input schema: {detail}" }],
    };

    /// <summary>Needs a key like every API route: without one the answer is 401 with the same problem body.</summary>
    public static IEndpointConventionBuilder MapBuilderMcp(this IEndpointRouteBuilder app)
    {
        var mcp = app.MapMcp(Path).RequireAuthorization().WithTags("MCP").ExcludeFromDescription();
        mcp.Add(endpoint => endpoint.RequestDelegate = endpoint.RequestDelegate is { } next ? ToolCallEnvelope.Checked(next) : null);
        return mcp;
    }
}
