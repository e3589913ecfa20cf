using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace Builder.Worker.Toolchains;

/// <summary>
/// A project's target frameworks as MSBuild would evaluate them on this Linux machine, for the
/// conditions real libraries put on them: the operating system (<c>$([MSBuild]::IsOSPlatform('Windows'))</c>,
/// <c>'$(OS)' == 'Windows_NT'</c>) and a property nobody sets (<c>'$(TestFrameworks)' == ''</c>), alone or
/// joined by and/or. Newtonsoft.Json, YamlDotNet and CliWrap add their .NET Framework targets this way.
/// Anything else is not evaluated: the frameworks are then unknown (null) and left to the project.
/// </summary>
public static partial class DotnetFrameworkProperty
{
    /// <summary>
    /// The frameworks after the property groups of <paramref name="texts"/> (imported first, the project
    /// last), or null when none sets them or one that might cannot be evaluated.
    /// </summary>
    public static IReadOnlyList<string>? Evaluate(params string[] texts)
    {
        string? frameworks = null, framework = null;
        var defined = texts.SelectMany(DefinedProperties).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var text in texts)
        {
            if (Parse(text) is not { } project)
                return Fallback(texts);
            foreach (var group in project.Elements().Where(e => e.Name.LocalName == "PropertyGroup"))
            {
                foreach (var element in group.Elements().Where(e => e.Name.LocalName is "TargetFrameworks" or "TargetFramework"))
                {
                    var applies = And(Condition(group, defined), Condition(element, defined));
                    if (applies is null)
                        return null;
                    if (applies == false)
                        continue;
                    var plural = element.Name.LocalName == "TargetFrameworks";
                    // "$(TargetFrameworks);net48" extends the value so far; any other expression is MSBuild's to evaluate.
                    var value = element.Value.Replace("$(TargetFrameworks)", frameworks ?? "", StringComparison.OrdinalIgnoreCase)
                        .Replace("$(TargetFramework)", framework ?? "", StringComparison.OrdinalIgnoreCase);
                    if (value.Contains("$(", StringComparison.Ordinal))
                        return null;
                    if (plural)
                        frameworks = value;
                    else
                        framework = value;
                }
            }
        }

        var result = (string.IsNullOrWhiteSpace(frameworks) ? framework : frameworks)?
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return result is { Length: > 0 } ? result : null;
    }

    /// <summary>true, false, or null when the condition is not one this evaluates.</summary>
    public static bool? Evaluate(string condition, IReadOnlySet<string> definedProperties)
    {
        var text = condition.Trim();
        if (text.Length == 0)
            return true;
        if (text.StartsWith('(') && text.EndsWith(')') && Balanced(text[1..^1]))
            return Evaluate(text[1..^1], definedProperties);
        if (Split(text, " or ") is { } either)
            return either.Select(c => Evaluate(c, definedProperties)).Aggregate(Or);
        if (Split(text, " and ") is { } both)
            return both.Select(c => Evaluate(c, definedProperties)).Aggregate(And);

        if (OsPlatform().Match(text) is { Success: true } platform)
            return platform.Groups["not"].Success ^ platform.Groups["os"].Value.Equals("Linux", StringComparison.OrdinalIgnoreCase);
        if (Comparison().Match(text) is not { Success: true } comparison)
            return null;
        var property = comparison.Groups["property"].Value;
        var right = comparison.Groups["value"].Value;
        var equals = comparison.Groups["op"].Value == "==";
        string? left = property.Equals("OS", StringComparison.OrdinalIgnoreCase) ? "Unix"
            : definedProperties.Contains(property) ? null : "";
        return left is null ? null : equals == left.Equals(right, StringComparison.OrdinalIgnoreCase);
    }

    static bool? Condition(XElement element, IReadOnlySet<string> defined) =>
        element.Attribute("Condition") is { } condition ? Evaluate(condition.Value, defined) : true;

    static bool? And(bool? a, bool? b) => a == false || b == false ? false : a is null || b is null ? null : true;

    static bool? Or(bool? a, bool? b) => a == true || b == true ? true : a is null || b is null ? null : false;

    /// <summary>The parts of a condition joined by an operator outside parentheses and quotes, or null when it has none.</summary>
    static List<string>? Split(string text, string op)
    {
        var parts = new List<string>();
        var (depth, quoted, start) = (0, false, 0);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\'')
                quoted = !quoted;
            else if (!quoted && c == '(')
                depth++;
            else if (!quoted && c == ')')
                depth--;
            else if (!quoted && depth == 0 && string.Compare(text, i, op, 0, op.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                parts.Add(text[start..i]);
                start = i + op.Length;
                i = start - 1;
            }
        }

        if (parts.Count == 0)
            return null;
        parts.Add(text[start..]);
        return parts;
    }

    static bool Balanced(string text)
    {
        var depth = 0;
        foreach (var c in text)
        {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth < 0)
                return false;
        }

        return depth == 0;
    }

    /// <summary>Properties a text sets with a value: a condition on them depends on more than this reads.</summary>
    static IEnumerable<string> DefinedProperties(string text) =>
        Parse(text)?.Descendants().Where(e => e.Parent?.Name.LocalName == "PropertyGroup" && !string.IsNullOrWhiteSpace(e.Value))
            .Select(e => e.Name.LocalName) ?? [];

    static XElement? Parse(string text)
    {
        try
        {
            return XDocument.Parse(text).Root;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    /// <summary>A file that is not well-formed XML: its first unconditional value, as before this evaluation.</summary>
    static IReadOnlyList<string>? Fallback(string[] texts)
    {
        foreach (var text in texts.Reverse())
        {
            var match = Unconditional().Matches(text).FirstOrDefault(m => !m.Groups[1].Value.Contains("Condition", StringComparison.Ordinal));
            if (match is not null && !match.Groups[2].Value.Contains("$(", StringComparison.Ordinal))
                return match.Groups[2].Value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        return null;
    }

    [GeneratedRegex(@"^(?<not>!\s*)?\$\(\[MSBuild\]::IsOSPlatform\(\s*'(?<os>[^']*)'\s*\)\)$", RegexOptions.IgnoreCase)]
    private static partial Regex OsPlatform();

    [GeneratedRegex(@"^'\$\((?<property>[A-Za-z_][A-Za-z0-9_]*)\)'\s*(?<op>==|!=)\s*'(?<value>[^'$]*)'$")]
    private static partial Regex Comparison();

    [GeneratedRegex(@"<TargetFrameworks?(\s[^>]*)?>([^<]*)</TargetFrameworks?>")]
    private static partial Regex Unconditional();
}
