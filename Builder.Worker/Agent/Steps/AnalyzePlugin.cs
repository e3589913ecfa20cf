using System.ComponentModel;
using Builder.Worker.Agent.RepoMap;
using Microsoft.SemanticKernel;

namespace Builder.Worker.Agent.Steps;

/// <summary>
/// Analyze: summarises a repository from its file list, its detected commands and the request's
/// ranked map. It needs no model: these are facts, and facts should not cost tokens.
/// </summary>
public sealed class AnalyzePlugin
{
    static readonly Dictionary<string, string> Languages = new(StringComparer.OrdinalIgnoreCase)
    {
        [".cs"] = "C#", [".fs"] = "F#", [".vb"] = "Visual Basic", [".ts"] = "TypeScript", [".tsx"] = "TypeScript", [".mts"] = "TypeScript",
        [".js"] = "JavaScript", [".jsx"] = "JavaScript", [".mjs"] = "JavaScript", [".cjs"] = "JavaScript", [".py"] = "Python", [".go"] = "Go",
        [".java"] = "Java", [".kt"] = "Kotlin", [".rb"] = "Ruby", [".rs"] = "Rust", [".php"] = "PHP", [".c"] = "C", [".h"] = "C",
        [".cpp"] = "C++", [".cc"] = "C++", [".hpp"] = "C++", [".swift"] = "Swift", [".scala"] = "Scala", [".sh"] = "Shell",
    };

    static readonly HashSet<string> EntryNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "Program.cs", "Startup.cs", "main.go", "main.py", "__main__.py", "app.py", "manage.py", "index.js", "index.ts", "main.ts", "main.js",
        "server.js", "server.ts", "app.js", "app.ts", "App.tsx", "Main.java", "main.rs", "lib.rs", "package.json", "Makefile",
    };

    [KernelFunction("summarize_repository"), Description("Summarises the repository: languages, build and test commands, entry points, test locations, and where the request most likely belongs.")]
    public RepositoryAnalysis Summarize(AgentContext context, RepoIndex index, IReadOnlyList<RankedFile> ranked)
    {
        var languages = index.Files
            .Select(f => Languages.GetValueOrDefault(Path.GetExtension(f.Path)))
            .Where(l => l is not null)
            .GroupBy(l => l!)
            .Select(g => (Language: g.Key, Files: g.Count()))
            .OrderByDescending(g => g.Files).ThenBy(g => g.Language, StringComparer.Ordinal)
            .ToList();
        var sourceFiles = Math.Max(1, languages.Sum(l => l.Files));

        var entryPoints = index.Files.Where(f => EntryNames.Contains(Path.GetFileName(f.Path)))
            .OrderBy(f => f.Path.Count(c => c == '/')).ThenBy(f => f.Path, StringComparer.Ordinal).Take(10).Select(f => f.Path).ToList();
        var testLocations = index.Files.Where(f => IsTest(f.Path))
            .GroupBy(f => Path.GetDirectoryName(f.Path) ?? "")
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(10)
            .Select(g => g.Key.Length == 0 ? "." : g.Key).ToList();

        return new RepositoryAnalysis(
            index.Files.Count,
            languages.Take(6).Select(l => new LanguageShare(l.Language, l.Files, (int)Math.Round(100.0 * l.Files / sourceFiles))).ToList(),
            context.Commands.Toolchain, context.Commands.Build, context.Commands.Test, context.Commands.Source,
            entryPoints, testLocations,
            ranked.Where(r => r.Score > 0).Take(8).Select(r => r.Path).ToList());
    }

    public static bool IsTest(string path)
    {
        var lower = path.ToLowerInvariant();
        return lower.Split('/').Any(s => s is "test" or "tests" or "__tests__" or "spec" or "specs" || s.EndsWith(".tests") || s.EndsWith(".test"))
               || lower.Contains(".test.") || lower.Contains(".spec.") || lower.Contains("_test.") || Path.GetFileName(lower).StartsWith("test_")
               || Path.GetFileNameWithoutExtension(lower).EndsWith("tests");
    }
}
