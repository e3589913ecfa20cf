using System.Text.Json;
using Builder.Worker.Agent.Llm;
using Microsoft.SemanticKernel;

namespace Builder.Worker.Agent.Steps;

/// <summary>Which of the kernel's repository tools each step offers the model.</summary>
public static class ToolSets
{
    public static readonly string[] ReadPlugins = ["files", "search", "outline"];
    public static readonly string[] WritePlugins = ["files", "search", "outline", "edit", Plugins.ToolsPlugin.Name, Plugins.RepositoryToolsPlugin.Name];

    public static IReadOnlyList<KernelFunction> From(Kernel kernel, IEnumerable<string> plugins) =>
        plugins.SelectMany(p => kernel.Plugins[p]).ToList();

    /// <summary>What the tools' definitions add to a request, estimated from their names, descriptions and parameter schemas.</summary>
    public static int Tokens(IReadOnlyList<KernelFunction> tools) =>
        tools.Sum(t => 30 + TokenEstimate.OfText(t.PluginName + t.Name + t.Description) + t.Metadata.Parameters.Sum(p =>
            20 + TokenEstimate.OfText(p.Name + p.Description + (p.Schema is null ? "" : JsonSerializer.Serialize(p.Schema)))));
}
