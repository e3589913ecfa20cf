using System.Text.RegularExpressions;

namespace Builder.Worker.Toolchains;

/// <summary>
/// Finds the source file of a test class (TRX names classes, not files) by scanning the repository's
/// C# files for namespace and class declarations once.
/// </summary>
public sealed partial class CSharpClassIndex(string workspace)
{
    const int MaxFiles = 20_000;
    const long MaxFileBytes = 1_000_000;
    Dictionary<string, List<string>>? byClass;

    public string? FileOf(string className, string? method = null)
    {
        byClass ??= Build();
        // Nested classes print as Outer+Inner, generic ones as Name`1: the file is the outer class's.
        var name = className.Split('+')[0];
        var tick = name.IndexOf('`');
        if (tick >= 0)
            name = name[..tick];

        if (!byClass.TryGetValue(name, out var files) && !byClass.TryGetValue(name[(name.LastIndexOf('.') + 1)..], out files))
            return null;
        if (files.Count == 1 || string.IsNullOrEmpty(method))
            return files[0];

        // A partial class spread over files: the one declaring the method.
        var declaration = new Regex($@"\b{Regex.Escape(method)}\s*[<(]");
        return files.FirstOrDefault(f => declaration.IsMatch(File.ReadAllText(Path.Combine(workspace, f)))) ?? files[0];
    }

    Dictionary<string, List<string>> Build()
    {
        var index = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var path in WorkspacePaths.Files(workspace, "*.cs").Take(MaxFiles))
        {
            string text;
            try
            {
                if (new FileInfo(path).Length > MaxFileBytes)
                    continue;
                text = File.ReadAllText(path);
            }
            catch (IOException)
            {
                continue;
            }

            var relative = Path.GetRelativePath(workspace, path).Replace('\\', '/');
            var ns = Namespace().Match(text) is { Success: true } m ? m.Groups[1].Value + "." : "";
            foreach (var type in TypeDeclaration().Matches(text).Select(t => t.Groups[1].Value).Distinct())
            {
                foreach (var key in new[] { ns + type, type }.Distinct())
                {
                    if (!index.TryGetValue(key, out var list))
                        index[key] = list = [];
                    list.Add(relative);
                }
            }
        }

        return index;
    }

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    [GeneratedRegex(@"\b(?:class|record|struct)\s+(\w+)")]
    private static partial Regex TypeDeclaration();
}
