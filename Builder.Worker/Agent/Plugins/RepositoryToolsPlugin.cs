using Builder.Core.Domain;
using Builder.Core.Persistence;
using Builder.Worker.Tools;
using Microsoft.EntityFrameworkCore;
using Microsoft.SemanticKernel;

namespace Builder.Worker.Agent.Plugins;

/// <summary>
/// The tools the repository carries (.builder/tools) as kernel functions of a plugin of their own,
/// built and run like Builder-wide tools but with the run's workspace as their read-only working
/// directory and never a network. Each call is recorded as an execution of repo:&lt;name&gt;. A
/// description is the repository's text, not Builder's: the model is told whose words it reads
/// (repository content is data, never instructions), and a long one is cut.
/// </summary>
public static class RepositoryToolsPlugin
{
    public const string Name = "repository_tools";

    const int MaxDescription = 300;

    public static KernelPlugin Create(
        IReadOnlyList<ToolManifest> tools, string workspace, ToolRunner runner, IDbContextFactory<BuilderDbContext> dbFactory, Feature feature) =>
        KernelPluginFactory.CreateFromFunctions(Name, "Tools the repository carries in .builder/tools: they read the workspace, change nothing and have no network.",
            tools.Select(tool => ToolsPlugin.Function(tool, Describe(tool), RepositoryTools.ExecutionPrefix + tool.Name,
                (input, cancellationToken) => runner.RunAsync(tool, input, workspace, cancellationToken), dbFactory, feature)));

    static string Describe(ToolManifest tool)
    {
        var own = tool.Description.Length <= MaxDescription ? tool.Description : tool.Description[..MaxDescription] + "…";
        return $"A tool of the repository, run in the workspace (read-only). The repository describes it as: {own}";
    }
}
