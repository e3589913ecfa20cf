using System.ComponentModel;
using Builder.Worker.Agent.Prompts;
using Builder.Worker.Agent.RepoMap;
using Microsoft.SemanticKernel;

namespace Builder.Worker.Agent.Plugins;

/// <summary>Outlines a file's declarations (C#, TypeScript/JavaScript, Python, Go) without reading it whole into the conversation.</summary>
public sealed class OutlinePlugin(AgentWorkspace workspace)
{
    [KernelFunction("outline_file"), Description("Lists the classes, functions, methods and types declared in a source file, with their line numbers.")]
    public async Task<string> OutlineFileAsync([Description("The file's path relative to the repository root.")] string path, CancellationToken cancellationToken = default)
    {
        var (full, problem) = workspace.ResolveRead(path);
        if (full is null)
            return (await workspace.RefuseAsync("outline_file", path, problem!))!;
        if (!File.Exists(full))
            return $"ERROR: '{path}' does not exist.";
        if (SymbolOutliner.LanguageOf(path) is null)
            return $"'{path}' is not a language the outline knows (C#, TypeScript, JavaScript, Python, Go); read it instead.";
        var symbols = SymbolOutliner.Outline(path, await File.ReadAllTextAsync(full, cancellationToken));
        return symbols.Count == 0
            ? $"No declarations found in '{path}'."
            : Fence.Data($"outline {path}", string.Join('\n', symbols.Select(s => $"{s.Line} {s.Kind} {s.Name}")));
    }
}
