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

    public (IReadOnlyList<ToolManifest> Tools, IReadOnlyList<BrokenTool> Broken) List()
    {
        var tools = new List<ToolManifest>();
        var broken = new List<BrokenTool>();
        if (!System.IO.Directory.Exists(Directory))
            return (tools, broken);
        foreach (var folder in System.IO.Directory.EnumerateDirectories(Directory).Order(StringComparer.Ordinal))
        {
            var manifest = Path.Combine(folder, ToolManifest.FileName);
            if (!File.Exists(manifest))
                continue;
            try
            {
                tools.Add(ToolManifest.Parse(File.ReadAllText(manifest), folder));
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
