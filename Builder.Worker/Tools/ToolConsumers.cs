using System.Text.Json;
using Builder.Core.Contracts;
using Builder.Core.Persistence;
using Builder.Worker.Environments;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Builder.Worker.Tools;

/// <summary>Answers the Api's questions about tools and runs the executions it records.</summary>
public sealed class ToolConsumers(ToolCatalog catalog, ToolRunner runner, EnvironmentImages images, IDbContextFactory<BuilderDbContext> dbFactory)
    : IConsumer<DescribeTools>, IConsumer<BuildTool>, IConsumer<ExecuteTool>
{
    public async Task Consume(ConsumeContext<DescribeTools> context)
    {
        var (tools, broken) = catalog.List();
        var engine = await images.EngineProblemAsync(context.CancellationToken);
        var described = new List<ToolDescription>();
        foreach (var tool in tools)
        {
            var image = engine is null ? runner.ImageOf(tool) : null;
            described.Add(new ToolDescription(tool.Name, tool.Description, tool.Runtime, tool.Version, tool.InputSchema.ToJsonString(),
                (long)tool.Timeout.TotalMilliseconds, tool.Network, image, image is not null && await images.ExistsAsync(image, context.CancellationToken)));
        }

        await context.RespondAsync(new ToolsDescribed(described, broken.Select(b => new BrokenToolDescription(b.Name, b.Errors)).ToList(), engine));
    }

    public async Task Consume(ConsumeContext<BuildTool> context)
    {
        if (Find(context.Message.Name, out var refused) is not { } tool)
        {
            await context.RespondAsync(refused!);
            return;
        }

        if (await images.EngineProblemAsync(context.CancellationToken) is { } noEngine)
        {
            await context.RespondAsync(new ToolRefused(409, "No container engine", $"The tool's image cannot be built: {noEngine}. It runs in the worker's sandbox instead."));
            return;
        }

        try
        {
            var image = await runner.BuildAsync(tool, context.CancellationToken);
            await context.RespondAsync(new ToolBuilt(tool.Name, image.Tag, image.Reused, image.Log, (long)image.Duration.TotalMilliseconds));
        }
        catch (Exception ex) when (ex is EnvironmentBuildException or EnvironmentManifestException)
        {
            await context.RespondAsync(new ToolRefused(422, "Image build failed", ex.Message));
        }
    }

    public async Task Consume(ConsumeContext<ExecuteTool> context)
    {
        await using var db = await dbFactory.CreateDbContextAsync(context.CancellationToken);
        var execution = await db.ToolExecutions.FirstAsync(e => e.Id == context.Message.ExecutionId, context.CancellationToken);
        if (execution.Status == "running")
        {
            ToolRun run;
            if (Find(execution.Tool, out var refused) is not { } tool)
                run = new ToolRun("failed", null, $"[builder] {refused!.Detail}", null, TimeSpan.Zero, null, []);
            else
            {
                using var input = JsonDocument.Parse(execution.Input);
                try
                {
                    run = await runner.RunAsync(tool, input.RootElement, context.CancellationToken);
                }
                catch (Exception ex) when (ex is EnvironmentBuildException or EnvironmentManifestException)
                {
                    run = new ToolRun("failed", null, ex.Message, null, TimeSpan.Zero, null, []);
                }
            }

            execution.Status = run.Status;
            execution.Output = run.Output?.ToJsonString();
            execution.Logs = run.InputErrors.Count > 0 ? string.Join('\n', run.InputErrors) : Tail(run.Logs);
            execution.ExitCode = run.ExitCode;
            execution.DurationMs = (long)run.Duration.TotalMilliseconds;
            execution.Image = run.Image;
            execution.EndedAt = DateTime.UtcNow;
            await db.SaveChangesAsync(CancellationToken.None);
        }

        await context.RespondAsync(new ToolExecutionEnded(execution.Id, execution.Status));
    }

    ToolManifest? Find(string name, out ToolRefused? refused)
    {
        refused = null;
        try
        {
            if (catalog.Find(name) is { } tool)
                return tool;
            refused = new ToolRefused(404, "No such tool", $"There is no tool named '{name}' in the tools folder.");
        }
        catch (ToolManifestException ex)
        {
            refused = new ToolRefused(409, "Broken tool", $"The tool '{name}' cannot be used: {string.Join("; ", ex.Errors)}");
        }

        return null;
    }

    /// <summary>A log kept in the database is capped; its end says most.</summary>
    static string Tail(string logs) => logs.Length <= 64 * 1024 ? logs : logs[^(64 * 1024)..];
}
