using System.Text.RegularExpressions;

namespace Builder.Worker.Agent.Prompts;

/// <summary>
/// Marks repository text (files, search results, build output, the map) as data in a prompt. The
/// content cannot close the fence early: any tag of the fence's own name inside it is defused.
/// </summary>
public static partial class Fence
{
    public const string Tag = "repository-data";

    public static string Data(string source, string content) =>
        $"<{Tag} source=\"{Attribute(source)}\">\n{Defuse(content)}\n</{Tag}>";

    public static string Defuse(string content) => FenceTag().Replace(content, m => m.Value.Replace("<", "‹"));

    static string Attribute(string value) => value.Replace("\"", "'").Replace("<", "‹").Replace(">", "›").Replace("\n", " ");

    [GeneratedRegex(@"</?\s*repository-data", RegexOptions.IgnoreCase)]
    private static partial Regex FenceTag();
}
