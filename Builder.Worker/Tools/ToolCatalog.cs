using Builder.Core;
using Microsoft.Extensions.Options;

namespace Builder.Worker.Tools;

/// <summary>"Builder:Tools": where Builder-wide tools live (one folder per tool, holding its tool.yaml).</summary>
public sealed class ToolOptions
{
    public const string Section = "Builder:Tools";

    /// <summary>Relative to the data folder unless absolute. Administrators put tools here; users cannot upload them.</summary>
    public string Directory { get; set; } = "tools";
}

/// <summary>A tool folder whose manifest cannot be used: listed with its errors, never run.</summary>
public sealed record BrokenTool(string Name, IReadOnlyList<string> Errors);

/// <summary>The tools in the tools folder, read afresh on each call: an administrator adds or edits one without a restart.</summary>
public sealed class ToolCatalog(IOptions<ToolOptions> options, IOptions<BuilderOptions> builderOptions)
{
    public string Directory => Path.GetFullPath(options.Value.Directory, Path.GetFullPath(builderOptions.Value.DataDirectory));

    public (IReadOnlyList<ToolManifest> Tools, IReadOnlyList<BrokenTool> Broken) List() => Read(Directory);

    /// <summary>Every folder of <paramref name="directory"/> holding a tool.yaml, in name order: the usable tools and the broken ones.</summary>
    /// <param name="parse">Reads one tool folder; by default its tool.yaml as it is.</param>
    public static (IReadOnlyList<ToolManifest> Tools, IReadOnlyList<BrokenTool> Broken) Read(string directory, Func<string, ToolManifest>? parse = null)
    {
        parse ??= folder => ToolManifest.Parse(File.ReadAllText(Path.Combine(folder, ToolManifest.FileName)), folder);
        var tools = new List<ToolManifest>();
        var broken = new List<BrokenTool>();
        if (!System.IO.Directory.Exists(directory))
            return (tools, broken);
        foreach (var folder in System.IO.Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal))
        {
            if (!File.Exists(Path.Combine(folder, ToolManifest.FileName)))
                continue;
            try
            {
                tools.Add(parse(folder));
            }
            catch (ToolManifestException ex)
            {
                broken.Add(new BrokenTool(Path.GetFileName(folder), ex.Errors));
            }
        }

        return (tools, broken);
    }

    /// <summary>The tool, null when there is none by that name; a broken one throws with its errors.</summary>
    public ToolManifest? Find(string name)
    {
        if (name.Contains('/') || name.Contains('\\') || name.StartsWith('.'))
            return null;
        var folder = Path.Combine(Directory, name);
        var manifest = Path.Combine(folder, ToolManifest.FileName);
        return File.Exists(manifest) ? ToolManifest.Parse(File.ReadAllText(manifest), folder) : null;
    }
}
