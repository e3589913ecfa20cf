using System.ComponentModel;
using Builder.Worker.Agent.Edits;
using Microsoft.SemanticKernel;

namespace Builder.Worker.Agent.Plugins;

/// <summary>Changes the repository's files. Every write goes through the path and change policies; nothing else can write.</summary>
public sealed class EditPlugin(AgentWorkspace workspace)
{
    [KernelFunction("apply_edit"), Description("Replaces one exact, unique piece of an existing file. Copy the search text exactly from the file, with enough lines to match once.")]
    public async Task<string> ApplyEditAsync(
        [Description("The file's path relative to the repository root.")] string path,
        [Description("The exact text to replace; it must occur once in the file.")] string search,
        [Description("The text to put in its place.")] string replace,
        CancellationToken cancellationToken = default)
    {
        var (full, problem) = workspace.ResolveRead(path);
        if (full is null)
            return (await workspace.RefuseAsync("apply_edit", path, problem!))!;
        if (!File.Exists(full))
            return $"{EditResults.Failed} '{path}' does not exist; create it with write_file.";
        var text = await File.ReadAllTextAsync(full, cancellationToken);
        var result = SearchReplace.Apply(path, text, search, replace);
        if (result.Problem is not null)
            return $"{EditResults.Failed} {result.Problem}.";
        return await workspace.WriteAsync("apply_edit", path, result.Text!, cancellationToken) ?? $"OK: edited '{path}'.";
    }

    [KernelFunction("write_file"), Description("Creates a file, or replaces a whole file, with the given content.")]
    public async Task<string> WriteFileAsync(
        [Description("The file's path relative to the repository root.")] string path,
        [Description("The file's complete new content.")] string content,
        CancellationToken cancellationToken = default) =>
        await workspace.WriteAsync("write_file", path, content, cancellationToken) ?? $"OK: wrote '{path}' ({content.Split('\n').Length} lines).";

    [KernelFunction("delete_file"), Description("Deletes a file of the repository.")]
    public async Task<string> DeleteFileAsync([Description("The file's path relative to the repository root.")] string path) =>
        await workspace.DeleteAsync("delete_file", path) ?? $"OK: deleted '{path}'.";
}
