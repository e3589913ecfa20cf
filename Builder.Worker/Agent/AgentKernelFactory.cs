using Builder.Worker.Agent.Llm;
using Builder.Worker.Agent.Plugins;
using Builder.Worker.Agent.Steps;
using Microsoft.SemanticKernel;

namespace Builder.Worker.Agent;

/// <summary>
/// Builds the kernel of one agent step from the application's services: the step's chat service,
/// the repository tools bound to the step's workspace, the step plugins (resolved from DI), the tools folder's tools, and
/// the tools the repository carries (none but for the generate step).
/// </summary>
public sealed class AgentKernelFactory(IServiceProvider services, ILoggerFactory loggerFactory)
{
    // Semantic Kernel writes model-call spans (model, tokens; never prompts, the sensitive variant stays off)
    // only when asked, so a run's trace shows where its time in the model went.
    static AgentKernelFactory() => AppContext.SetSwitch("Microsoft.SemanticKernel.Experimental.GenAI.EnableOTelDiagnostics", true);

    public Kernel Create(ModelConnection connection, AgentWorkspace workspace, Builder.Core.Domain.Feature feature, IReadOnlyList<Tools.ToolManifest> repositoryTools)
    {
        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(connection.Service);
        builder.Plugins.AddFromObject(new FilesPlugin(workspace), "files");
        builder.Plugins.AddFromObject(new SearchPlugin(workspace), "search");
        builder.Plugins.AddFromObject(new OutlinePlugin(workspace), "outline");
        builder.Plugins.AddFromObject(new EditPlugin(workspace), "edit");
        builder.Plugins.AddFromObject(services.GetRequiredService<AnalyzePlugin>(), "analyze");
        builder.Plugins.AddFromObject(services.GetRequiredService<PlanPlugin>(), "plan");
        builder.Plugins.AddFromObject(services.GetRequiredService<GeneratePlugin>(), "generate");
        builder.Plugins.AddFromObject(services.GetRequiredService<ValidatePlugin>(), "validate");
        var runner = services.GetRequiredService<Tools.ToolRunner>();
        var dbFactory = services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Builder.Core.Persistence.BuilderDbContext>>();
        builder.Plugins.Add(ToolsPlugin.Create(services.GetRequiredService<Tools.ToolCatalog>(), runner, dbFactory, feature));
        builder.Plugins.Add(RepositoryToolsPlugin.Create(repositoryTools, workspace.Root, runner, dbFactory, feature));
        return builder.Build();
    }
}
