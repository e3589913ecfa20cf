using System.Text.Json;
using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Tools;

public sealed record ExecuteToolRequest(JsonElement? Input);

public sealed record ToolView(
    string Name, string Description, string Runtime, string? Version, JsonElement InputSchema, long TimeoutMs, IReadOnlyList<string> Network,
    string? Image, bool ImageBuilt, string Health);

public sealed record ToolCatalogView(IReadOnlyList<ToolView> Tools, IReadOnlyList<BrokenToolDescription> Broken, string? Engine);

public sealed record ToolExecutionView(
    Guid Id, string Tool, string Status, JsonElement? Output, int? ExitCode, long DurationMs, string? Image, string RequestedBy, DateTime CreatedAt,
    DateTime? EndedAt, string LogsUrl)
{
    public static ToolExecutionView Of(ToolExecution e) => new(e.Id, e.Tool, e.Status, e.Output is null ? null : JsonDocument.Parse(e.Output).RootElement,
        e.ExitCode, e.DurationMs, e.Image, e.RequestedBy, e.CreatedAt, e.EndedAt, $"/api/tools/executions/{e.Id}/logs");
}

/// <summary>
/// Builder-wide tools (tools/&lt;name&gt;/tool.yaml on the workers): what they are, their images, and
/// executions, each recorded with its input, output and log. The workers answer over the bus.
/// </summary>
public static class ToolsApi
{
    /// <summary>An execution that takes longer than this is answered 202; it goes on, and its record tells how it ended.</summary>
    static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    public static void MapToolsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/tools").WithTags("Tools");
        api.MapGet("/", List).RequireAuthorization(ApiScopes.FeaturesRead)
            .WithSummary("The tools the workers have: name, description, input schema, limits, image and whether it is built; broken manifests with their errors.");
        api.MapGet("/{name}", Get).RequireAuthorization(ApiScopes.FeaturesRead)
            .WithSummary("One tool: whether it exists, its image and its health (image built, not built yet, or runs in the worker's sandbox).");
        api.MapPost("/{name}/build", Build).RequireAuthorization(ApiScopes.Admin)
            .WithSummary("Build the tool's image now (or find it built): the image, whether it was reused, and the build log.");
        api.MapPost("/{name}/execute", Execute).RequireAuthorization(ApiScopes.FeaturesWrite).WithRequestSizeLimit(RequestLimits.Medium)
            .WithSummary("Run the tool with {input}, checked against its schema: the execution with its output (200), or 202 while it still runs.");
        api.MapGet("/executions", Executions).RequireAuthorization(ApiScopes.FeaturesRead)
            .WithSummary("The tenant's most recent executions, newest first; ?tool= narrows to one tool, ?limit= (1-200, default 50).");
        api.MapGet("/executions/{id:guid}", Execution).RequireAuthorization(ApiScopes.FeaturesRead)
            .WithSummary("One execution: status (running, succeeded, failed, timed-out, invalid-input), output, exit code, duration.");
        api.MapGet("/executions/{id:guid}/logs", Logs).RequireAuthorization(ApiScopes.FeaturesRead)
            .WithSummary("What the execution wrote on stderr (or why its input was refused), as text.");
    }

    public static async Task<Ok<ToolCatalogView>> List(IRequestClient<DescribeTools> workers, CancellationToken cancellationToken)
    {
        var described = (await workers.GetResponse<ToolsDescribed>(new DescribeTools(), cancellationToken, RequestTimeout.After(s: 30))).Message;
        return TypedResults.Ok(new ToolCatalogView(described.Tools.Select(t => View(t, described.Engine)).ToList(), described.Broken, described.Engine));
    }

    public static async Task<Results<Ok<ToolView>, ProblemHttpResult>> Get(string name, IRequestClient<DescribeTools> workers, CancellationToken cancellationToken)
    {
        var described = (await workers.GetResponse<ToolsDescribed>(new DescribeTools(), cancellationToken, RequestTimeout.After(s: 30))).Message;
        return described.Tools.FirstOrDefault(t => t.Name == name) is { } tool ? TypedResults.Ok(View(tool, described.Engine)) : Unusable(name, described);
    }

    /// <summary>Why a tool the workers do not offer cannot run: its manifest is broken (409), or there is none (404).</summary>
    static ProblemHttpResult Unusable(string name, ToolsDescribed described) =>
        described.Broken.FirstOrDefault(b => b.Name == name) is { } broken
            ? Problems.Conflict("Broken tool", $"The tool '{name}' cannot be used: {string.Join("; ", broken.Errors)}")
            : NotFound(name);

    static ToolView View(ToolDescription tool, string? engine) => new(tool.Name, tool.Description, tool.Runtime, tool.Version,
        JsonDocument.Parse(tool.InputSchema).RootElement, tool.TimeoutMs, tool.Network, tool.Image, tool.ImageBuilt,
        engine is not null ? $"runs in the worker's sandbox ({engine})" : tool.ImageBuilt ? "image built" : "image not built yet (built on first use)");

    public static async Task<Results<Ok<ToolBuilt>, ProblemHttpResult>> Build(string name, IRequestClient<BuildTool> workers, CancellationToken cancellationToken)
    {
        Response reply = await workers.GetResponse<ToolBuilt, ToolRefused>(new BuildTool(name), cancellationToken, RequestTimeout.After(m: 30));
        return reply switch
        {
            (_, ToolBuilt built) => TypedResults.Ok(built),
            (_, ToolRefused refused) => TypedResults.Problem(statusCode: refused.Status, title: refused.Title, detail: refused.Detail),
            _ => throw new InvalidOperationException("A worker answered a tool build with an unknown reply."),
        };
    }

    public static async Task<Results<Ok<ToolExecutionView>, Accepted<ToolExecutionView>, ValidationProblem, ProblemHttpResult>> Execute(
        string name, ExecuteToolRequest? request, HttpContext http, BuilderDbContext db, IRequestClient<DescribeTools> describe,
        IRequestClient<ExecuteTool> workers, CancellationToken cancellationToken)
    {
        if (request?.Input is not { ValueKind: JsonValueKind.Object } input)
            return new Validation().Add("input", "input is required: a JSON object matching the tool's input schema (GET /api/tools/{name}).").Problem();
        var described = (await describe.GetResponse<ToolsDescribed>(new DescribeTools(), cancellationToken, RequestTimeout.After(s: 30))).Message;
        if (described.Tools.All(t => t.Name != name))
            return Unusable(name, described);

        var execution = await RunAsync(db, workers, http.User.TenantId(), name, input, http.User.Actor(), cancellationToken);
        if (execution.Status == "invalid-input")
        {
            var invalid = new Validation();
            foreach (var problem in execution.Logs.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                invalid.Add("input", problem);
            return invalid.Problem();
        }

        return execution.Status == "running"
            ? TypedResults.Accepted($"/api/tools/executions/{execution.Id}", ToolExecutionView.Of(execution))
            : TypedResults.Ok(ToolExecutionView.Of(execution));
    }

    /// <summary>Records the execution, has a worker run it, and returns the record as it stands when the worker answers (or patience ends).</summary>
    public static async Task<ToolExecution> RunAsync(
        BuilderDbContext db, IRequestClient<ExecuteTool> workers, Guid tenantId, string tool, JsonElement input, string requestedBy, CancellationToken cancellationToken)
    {
        var execution = new ToolExecution
        {
            Id = Guid.NewGuid(), TenantId = tenantId, Tool = tool, Input = input.GetRawText(), RequestedBy = requestedBy, CreatedAt = DateTime.UtcNow,
        };
        db.ToolExecutions.Add(execution);
        await db.SaveChangesAsync(cancellationToken);
        try
        {
            await workers.GetResponse<ToolExecutionEnded>(new ExecuteTool(execution.Id), cancellationToken, RequestTimeout.After(m: (int)Patience.TotalMinutes));
        }
        catch (RequestTimeoutException)
        {
            return execution;
        }

        return await db.ToolExecutions.AsNoTracking().FirstAsync(e => e.Id == execution.Id, cancellationToken);
    }

    public static async Task<Results<Ok<List<ToolExecutionView>>, ValidationProblem>> Executions(
        string? tool, int? limit, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 200)
            return new Validation().Add("limit", "limit must be from 1 to 200.").Problem();
        var tenantId = http.User.TenantId();
        var query = db.ToolExecutions.AsNoTracking().Where(e => e.TenantId == tenantId);
        if (!string.IsNullOrWhiteSpace(tool))
            query = query.Where(e => e.Tool == tool);
        var executions = await query.OrderByDescending(e => e.CreatedAt).Take(limit ?? 50).ToListAsync(cancellationToken);
        return TypedResults.Ok(executions.Select(ToolExecutionView.Of).ToList());
    }

    public static async Task<Results<Ok<ToolExecutionView>, ProblemHttpResult>> Execution(Guid id, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken) =>
        await db.ToolExecutions.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id && e.TenantId == http.User.TenantId(), cancellationToken) is { } execution
            ? TypedResults.Ok(ToolExecutionView.Of(execution))
            : Problems.NotFound($"No tool execution {id}.");

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> Logs(Guid id, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken) =>
        await db.ToolExecutions.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id && e.TenantId == http.User.TenantId(), cancellationToken) is { } execution
            ? TypedResults.Text(execution.Logs, "text/plain; charset=utf-8")
            : Problems.NotFound($"No tool execution {id}.");

    static ProblemHttpResult NotFound(string name) => Problems.NotFound($"There is no tool named '{name}'.");
}
