using System.Text.Json;
using System.Text.Json.Nodes;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using Builder.Worker.Tools;
using Microsoft.EntityFrameworkCore;
using Microsoft.SemanticKernel;

namespace Builder.Worker.Agent.Plugins;

/// <summary>
/// The tools folder's tools as kernel functions, one per tool, generated from its manifest: the name
/// (dashes become underscores), the description, and one parameter per property of its input schema.
/// Each call runs the tool sandboxed and is recorded as an execution of the run's tenant, like a call
/// over HTTP or MCP; the model gets the tool's output, or its status and log when it failed.
/// </summary>
public static class ToolsPlugin
{
    public const string Name = "tools";

    public static KernelPlugin Create(ToolCatalog catalog, ToolRunner runner, IDbContextFactory<BuilderDbContext> dbFactory, Feature feature) =>
        KernelPluginFactory.CreateFromFunctions(Name, "Tools an administrator gave Builder (linters, formatters, generators).",
            catalog.List().Tools.Select(tool => Function(tool, tool.Description, tool.Name, (input, ct) => runner.RunAsync(tool, input, ct), dbFactory, feature)));

    /// <param name="description">What the model is told the tool does.</param>
    /// <param name="recordedAs">The tool's name in its recorded executions.</param>
    /// <param name="run">Runs the tool with the input the model gave.</param>
    internal static KernelFunction Function(ToolManifest tool, string description, string recordedAs, Func<JsonElement, CancellationToken, Task<ToolRun>> run,
        IDbContextFactory<BuilderDbContext> dbFactory, Feature feature)
    {
        var required = tool.InputSchema["required"] is JsonArray names ? names.Select(n => n!.GetValue<string>()).ToHashSet() : [];
        var parameters = (tool.InputSchema["properties"] as JsonObject ?? []).Select(property => new KernelParameterMetadata(property.Key)
        {
            Description = property.Value?["description"]?.GetValue<string>(),
            IsRequired = required.Contains(property.Key),
            Schema = KernelJsonSchema.Parse(property.Value?.ToJsonString() ?? "{}"),
        }).ToList();

        return KernelFunctionFactory.CreateFromMethod(
            async (KernelArguments arguments, CancellationToken cancellationToken) =>
            {
                var input = new JsonObject();
                foreach (var parameter in parameters.Where(p => arguments.ContainsName(p.Name) && arguments[p.Name] is not null))
                    input[parameter.Name] = ToNode(arguments[parameter.Name]);
                using var document = JsonDocument.Parse(input.ToJsonString());
                var result = await run(document.RootElement, cancellationToken);
                await RecordAsync(dbFactory, feature, recordedAs, input, result);
                return result.Status == "succeeded"
                    ? result.Output?.ToJsonString() ?? "null"
                    : $"ERROR: the tool {result.Status}{(result.InputErrors.Count > 0 ? ": " + string.Join("; ", result.InputErrors) : "")}\n{Tail(result.Logs)}";
            },
            functionName: tool.Name.Replace('-', '_'),
            description: description,
            parameters: parameters,
            returnParameter: new KernelReturnParameterMetadata { Description = "The tool's output as JSON, or ERROR with its log." });
    }

    /// <summary>Arguments arrive as the model wrote them: JSON elements, or strings that may hold JSON.</summary>
    static JsonNode? ToNode(object? value) => value switch
    {
        JsonElement element => JsonNode.Parse(element.GetRawText()),
        JsonNode node => node.DeepClone(),
        string text => JsonValue.Create(text),
        _ => JsonSerializer.SerializeToNode(value),
    };

    static async Task RecordAsync(IDbContextFactory<BuilderDbContext> dbFactory, Feature feature, string tool, JsonObject input, ToolRun run)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        db.ToolExecutions.Add(new ToolExecution
        {
            Id = Guid.NewGuid(), TenantId = feature.TenantId, Tool = tool, Status = run.Status, Input = input.ToJsonString(),
            Output = run.Output?.ToJsonString(), Logs = run.InputErrors.Count > 0 ? string.Join('\n', run.InputErrors) : Tail(run.Logs, 64 * 1024),
            ExitCode = run.ExitCode, DurationMs = (long)run.Duration.TotalMilliseconds, Image = run.Image, RequestedBy = $"agent:{feature.Id}",
            CreatedAt = DateTime.UtcNow - run.Duration, EndedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    static string Tail(string text, int max = 4000) => text.Length <= max ? text : text[^max..];
}
