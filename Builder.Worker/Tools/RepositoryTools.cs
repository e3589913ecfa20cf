namespace Builder.Worker.Tools;

/// <summary>
/// The tools a repository carries at .builder/tools/&lt;name&gt;/tool.yaml, in the format of Builder-wide
/// tools (under .builder/ so an ordinary tools/ folder of a repository is never taken for tools). They
/// are the repository's code, so untrusted: read only from the repository's own files (no symbolic
/// link, which could make the worker read a file of its host into an error message), at most
/// <see cref="MaxTools"/> of them, and run without network whatever their manifest asks.
/// </summary>
public static class RepositoryTools
{
    public const string Folder = ".builder/tools";

    /// <summary>An execution of a repository's tool is recorded as repo:&lt;name&gt;, never as a Builder-wide tool's.</summary>
    public const string ExecutionPrefix = "repo:";

    /// <summary>tool_executions.tool holds 64 characters, the prefix included.</summary>
    public const int MaxNameLength = 64 - 5;

    /// <summary>Each tool's definition goes into every model request of the generate step.</summary>
    public const int MaxTools = 20;

    const int MaxManifestBytes = 64 * 1024;

    /// <summary>The usable tools of the workspace, and the skipped ones with why.</summary>
    public static (IReadOnlyList<ToolManifest> Tools, IReadOnlyList<BrokenTool> Broken) Find(string workspace)
    {
        foreach (var path in new[] { ".builder", Folder })
        {
            if (new DirectoryInfo(Path.Combine(workspace, path)).LinkTarget is not null)
                return ([], [new BrokenTool(Folder, [$"{path} is a symbolic link; a repository's tools must be files of the repository itself"])]);
        }

        var (tools, broken) = ToolCatalog.Read(Path.Combine(workspace, Folder), Parse);
        if (tools.Count <= MaxTools)
            return (tools, broken);
        var skipped = tools.Skip(MaxTools).Select(t => new BrokenTool(t.Name, [$"skipped: a repository offers at most {MaxTools} tools (the first {MaxTools} by name are used)"]));
        return (tools.Take(MaxTools).ToList(), broken.Concat(skipped).ToList());
    }

    static ToolManifest Parse(string folder)
    {
        var name = Path.GetFileName(folder);
        var manifest = new FileInfo(Path.Combine(folder, ToolManifest.FileName));
        if (new DirectoryInfo(folder).LinkTarget is not null || manifest.LinkTarget is not null)
            throw new ToolManifestException([$"{Folder}/{name} or its {ToolManifest.FileName} is a symbolic link; a repository's tools must be files of the repository itself"]);
        if (manifest.Length > MaxManifestBytes)
            throw new ToolManifestException([$"{ToolManifest.FileName} is {manifest.Length} bytes; a tool's manifest is at most {MaxManifestBytes / 1024} KiB"]);
        var tool = ToolManifest.Parse(File.ReadAllText(manifest.FullName), folder);
        return tool.Name.Length <= MaxNameLength ? tool
            : throw new ToolManifestException([$"name '{tool.Name}' is {tool.Name.Length} characters; a repository's tool name is at most {MaxNameLength}"]);
    }
}
