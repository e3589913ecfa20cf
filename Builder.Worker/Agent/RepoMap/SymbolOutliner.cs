using System.Text.RegularExpressions;

namespace Builder.Worker.Agent.RepoMap;

/// <summary>A declaration found in a file: its kind, name and 1-based line.</summary>
public sealed record Symbol(string Kind, string Name, int Line);

/// <summary>
/// Outlines a file's declarations with one pass of line regexes per language (C#, TypeScript and
/// JavaScript, Python, Go). It is not a parser: it is cheap enough to run on hundreds of files per
/// request, and a wrong guess costs a line in a map, not a broken change.
/// </summary>
public static partial class SymbolOutliner
{
    static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "if", "for", "foreach", "while", "switch", "catch", "using", "return", "new", "lock", "fixed", "sizeof", "typeof", "nameof", "when",
        "function", "else", "do", "try", "await", "yield", "constructor", "get", "set", "base", "this", "default", "throw", "var",
    };

    public static string? LanguageOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".cs" => "csharp",
        ".ts" or ".tsx" or ".mts" or ".cts" => "typescript",
        ".js" or ".jsx" or ".mjs" or ".cjs" => "javascript",
        ".py" => "python",
        ".go" => "go",
        _ => null,
    };

    public static IReadOnlyList<Symbol> Outline(string path, string text)
    {
        var language = LanguageOf(path);
        if (language is null)
            return [];
        var symbols = new List<Symbol>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length && symbols.Count < 400; i++)
        {
            var line = lines[i];
            if (line.Length > 400)
                continue;
            var symbol = language switch
            {
                "csharp" => CSharp(line),
                "typescript" or "javascript" => Script(line),
                "python" => Python(line),
                "go" => Go(line),
                _ => null,
            };
            if (symbol is { } found && !Keywords.Contains(found.Name))
                symbols.Add(new Symbol(found.Kind, found.Name, i + 1));
        }

        return symbols;
    }

    static (string Kind, string Name)? CSharp(string line)
    {
        if (CsType().Match(line) is { Success: true } type)
            return (type.Groups["kind"].Value, type.Groups["name"].Value);
        if (CsMethod().Match(line) is { Success: true } method)
            return ("method", method.Groups["name"].Value);
        if (CsProperty().Match(line) is { Success: true } property)
            return ("property", property.Groups["name"].Value);
        return null;
    }

    static (string Kind, string Name)? Script(string line)
    {
        if (JsFunction().Match(line) is { Success: true } function)
            return ("function", function.Groups["name"].Value);
        if (JsClass().Match(line) is { Success: true } type)
            return ("class", type.Groups["name"].Value);
        if (JsType().Match(line) is { Success: true } declared)
            return (declared.Groups["kind"].Value, declared.Groups["name"].Value);
        if (JsArrow().Match(line) is { Success: true } arrow)
            return ("function", arrow.Groups["name"].Value);
        if (JsExport().Match(line) is { Success: true } export)
            return ("export", export.Groups["name"].Value);
        if (JsMethod().Match(line) is { Success: true } method)
            return ("method", method.Groups["name"].Value);
        return null;
    }

    static (string Kind, string Name)? Python(string line)
    {
        if (PyDef().Match(line) is { Success: true } def)
            return (def.Groups["indent"].Length > 0 ? "method" : "function", def.Groups["name"].Value);
        if (PyClass().Match(line) is { Success: true } type)
            return ("class", type.Groups["name"].Value);
        return null;
    }

    static (string Kind, string Name)? Go(string line)
    {
        if (GoFunc().Match(line) is { Success: true } func)
            return (func.Groups["receiver"].Success ? "method" : "func", func.Groups["name"].Value);
        if (GoType().Match(line) is { Success: true } type)
            return ("type", type.Groups["name"].Value);
        return null;
    }

    [GeneratedRegex(@"^\s*(?:(?:public|internal|private|protected|static|sealed|abstract|partial|readonly|unsafe|file|new)\s+)*(?<kind>class|interface|struct|enum|record(?:\s+struct|\s+class)?)\s+(?<name>[A-Za-z_]\w*)")]
    private static partial Regex CsType();

    [GeneratedRegex(@"^\s*(?:(?:public|internal|private|protected|static|virtual|override|abstract|async|sealed|extern|unsafe|new|partial)\s+)+[\w<>\[\],.?() ]+?\s+(?<name>[A-Za-z_]\w*)\s*(?:<[^>()]*>)?\s*\(")]
    private static partial Regex CsMethod();

    [GeneratedRegex(@"^\s*(?:(?:public|internal|protected|static|virtual|override|abstract|required)\s+)+[\w<>\[\],.?]+\s+(?<name>[A-Z]\w*)\s*(?:\{|=>)")]
    private static partial Regex CsProperty();

    [GeneratedRegex(@"^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*(?<name>[A-Za-z_$][\w$]*)")]
    private static partial Regex JsFunction();

    [GeneratedRegex(@"^\s*(?:export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+(?<name>[A-Za-z_$][\w$]*)")]
    private static partial Regex JsClass();

    [GeneratedRegex(@"^\s*(?:export\s+)?(?:declare\s+)?(?<kind>interface|type|enum)\s+(?<name>[A-Za-z_$][\w$]*)")]
    private static partial Regex JsType();

    [GeneratedRegex(@"^\s*(?:export\s+)?(?:const|let|var)\s+(?<name>[A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::[^=]+)?=>|[A-Za-z_$][\w$]*\s*=>)")]
    private static partial Regex JsArrow();

    [GeneratedRegex(@"^\s*(?:module\.)?exports\.(?<name>[A-Za-z_$][\w$]*)\s*=")]
    private static partial Regex JsExport();

    [GeneratedRegex(@"^\s+(?:(?:public|private|protected|static|async|readonly|override)\s+)*(?<name>[A-Za-z_$][\w$]*)\s*\([^)]*\)\s*(?::\s*[^{]+)?\{\s*$")]
    private static partial Regex JsMethod();

    [GeneratedRegex(@"^(?<indent>\s*)(?:async\s+)?def\s+(?<name>[A-Za-z_]\w*)")]
    private static partial Regex PyDef();

    [GeneratedRegex(@"^\s*class\s+(?<name>[A-Za-z_]\w*)")]
    private static partial Regex PyClass();

    [GeneratedRegex(@"^func\s+(?<receiver>\([^)]*\)\s*)?(?<name>[A-Za-z_]\w*)")]
    private static partial Regex GoFunc();

    [GeneratedRegex(@"^type\s+(?<name>[A-Za-z_]\w*)\s+")]
    private static partial Regex GoType();
}
