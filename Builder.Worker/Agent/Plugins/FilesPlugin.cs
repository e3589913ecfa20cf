using System.ComponentModel;
using System.Text;
using Builder.Worker.Agent.Prompts;
using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.SemanticKernel;

namespace Builder.Worker.Agent.Plugins;

/// <summary>Lists and reads the repository's files. Reads stay inside the workspace.</summary>
public sealed class FilesPlugin(AgentWorkspace workspace)
{
    const int MaxLines = 500;
    const int MaxBytes = 1024 * 1024;

    [KernelFunction("list_files"), Description("Lists the repository's files, one path per line, optionally only those matching a glob.")]
    public string ListFiles(
        [Description("A glob relative to the repository root, such as 'src/**/*.cs' or '**/*test*'. Empty lists every file.")] string? glob = null,
        [Description("The most paths to return.")] int limit = 200)
    {
        limit = Math.Clamp(limit, 1, 1000);
        IEnumerable<string> files = workspace.Files;
        if (!string.IsNullOrWhiteSpace(glob))
        {
            var matcher = new Matcher(StringComparison.Ordinal);
            matcher.AddInclude(glob.Trim());
            files = files.Where(f => matcher.Match(f).HasMatches);
        }

        var all = files.ToList();
        if (all.Count == 0)
            return string.IsNullOrWhiteSpace(glob) ? "The repository has no files." : $"No file matches '{glob}'.";
        var text = new StringBuilder();
        foreach (var file in all.Take(limit))
            text.Append(file).Append('\n');
        if (all.Count > limit)
            text.Append($"… and {all.Count - limit} more; narrow the glob to see them.\n");
        return Fence.Data($"list_files {glob}".Trim(), text.ToString().TrimEnd());
    }

    [KernelFunction("read_file"), Description("Reads a file of the repository, or a range of its lines (1-based, inclusive). Long files are returned 500 lines at a time.")]
    public async Task<string> ReadFileAsync(
        [Description("The file's path relative to the repository root.")] string path,
        [Description("The first line to return (1-based).")] int? startLine = null,
        [Description("The last line to return (inclusive).")] int? endLine = null,
        CancellationToken cancellationToken = default)
    {
        var (full, problem) = workspace.ResolveRead(path);
        if (full is null)
            return (await workspace.RefuseAsync("read_file", path, problem!))!;
        if (!File.Exists(full))
            return Directory.Exists(full) ? $"ERROR: '{path}' is a directory; use list_files with '{path}/**'." : $"ERROR: '{path}' does not exist.";
        if (new FileInfo(full).Length > MaxBytes)
            return $"ERROR: '{path}' is larger than {MaxBytes / 1024} KB; use search_text to find what you need in it.";

        var text = await File.ReadAllTextAsync(full, cancellationToken);
        if (text.Contains('\0'))
            return $"ERROR: '{path}' is a binary file.";
        var lines = text.Split('\n');
        var first = Math.Clamp(startLine ?? 1, 1, Math.Max(1, lines.Length));
        var last = Math.Clamp(endLine ?? first + MaxLines - 1, first, lines.Length);
        if (last - first + 1 > MaxLines)
            last = first + MaxLines - 1;
        var excerpt = string.Join('\n', lines[(first - 1)..last]);
        var more = last < lines.Length ? $"\n(lines {first}-{last} of {lines.Length}; read on with startLine={last + 1})" : "";
        return Fence.Data(first == 1 && last == lines.Length ? path : $"{path} lines {first}-{last}", excerpt) + more;
    }
}
