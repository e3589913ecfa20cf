using System.Text.RegularExpressions;

namespace Builder.Worker.Verification.Spans;

/// <summary>
/// JavaScript and TypeScript tests: calls of it/test/specify (with .only, .skip, .each, .concurrent,
/// ...) from the name to the closing parenthesis, keyed by the titles of the describe/context/suite
/// blocks around them and their own title as written. A lexer that knows strings, template
/// literals, comments and regular expressions keeps brackets inside them from counting; no type
/// information is needed, so TypeScript and JSX read the same.
/// </summary>
public sealed partial class ScriptTestSpans : ITestSpanFinder
{
    static readonly string[] Extensions = [".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts"];

    public bool Handles(string path) => Extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    sealed record Call(bool IsTest, string Title, int Start, int End);

    public IReadOnlyList<TestSpan> Find(string source)
    {
        var code = Mask(source);
        var calls = new List<Call>();
        foreach (Match m in CallStart().Matches(code))
        {
            var modifiers = m.Groups["mods"].Value;
            var at = m.Index + m.Length;
            if (modifiers.Contains(".each", StringComparison.Ordinal))
            {
                // test.each(table)(title, fn) or test.each`table`(title, fn): step over the table first.
                at = SkipWhitespace(code, at);
                if (at < code.Length && code[at] == '(')
                    at = Closing(code, at) + 1;
                else if (at < code.Length && code[at] == '`')
                    at = code.IndexOf('`', at + 1) + 1;
                else
                    continue;
                at = SkipWhitespace(code, at);
            }

            if (at <= 0 || at >= code.Length || code[at] != '(')
                continue;
            var close = Closing(code, at);
            if (close < 0)
                continue;
            var isTest = m.Groups["fn"].Value is "it" or "test" or "specify";
            calls.Add(new Call(isTest, Title(source, code, at + 1, close), m.Index, close));
        }

        var lineStarts = LineStarts(source);
        var spans = calls.Where(c => c.IsTest).Select(test =>
        {
            var path = calls.Where(c => !c.IsTest && c.Start < test.Start && c.End > test.End).OrderBy(c => c.Start).Select(c => c.Title).ToList();
            var key = string.Join(" > ", path.Append(test.Title));
            return new TestSpan(key, path.Count == 0 ? null : string.Join(" > ", path), test.Title,
                LineOf(lineStarts, test.Start), LineOf(lineStarts, test.End), TestSpanFinders.Normalize(source[test.Start..(test.End + 1)]));
        });
        return TestSpanFinders.Numbered(spans);
    }

    /// <summary>The first argument as written: a string's text without its quotes, anything else verbatim.</summary>
    static string Title(string source, string code, int from, int close)
    {
        var depth = 0;
        var end = from;
        for (; end < close; end++)
        {
            var c = code[end];
            if (c is '(' or '[' or '{')
                depth++;
            else if (c is ')' or ']' or '}')
                depth--;
            else if (c == ',' && depth == 0)
                break;
        }

        var title = source[from..end].Trim();
        return title.Length >= 2 && title[0] is '\'' or '"' or '`' && title[^1] == title[0] ? title[1..^1] : title;
    }

    static int SkipWhitespace(string code, int at)
    {
        while (at < code.Length && char.IsWhiteSpace(code[at]))
            at++;
        return at;
    }

    /// <summary>The bracket closing the one at <paramref name="open"/>, or -1.</summary>
    static int Closing(string code, int open)
    {
        var depth = 0;
        for (var i = open; i < code.Length; i++)
        {
            if (code[i] is '(' or '[' or '{')
                depth++;
            else if (code[i] is ')' or ']' or '}' && --depth == 0)
                return i;
        }

        return -1;
    }

    /// <summary>
    /// The source with the insides of strings, template literals, comments and regular expressions
    /// blanked (their delimiters kept, code inside ${...} kept), same length, so brackets and names
    /// found in it are code.
    /// </summary>
    public static string Mask(string source)
    {
        var masked = source.ToCharArray();
        var templates = new Stack<int>(); // brace depth at which each open ${ ... } returns to its template
        var depth = 0;
        var i = 0;
        char previous = '\0';

        void Blank(int from, int to)
        {
            for (var k = from; k < to && k < masked.Length; k++)
                if (masked[k] != '\n')
                    masked[k] = ' ';
        }

        int TemplateBody(int at)
        {
            // at is just after ` or after the } ending ${...}; returns the index after the closing `, or after ${.
            var k = at;
            while (k < source.Length)
            {
                if (source[k] == '\\')
                    k += 2;
                else if (source[k] == '`')
                {
                    Blank(at, k);
                    return k + 1;
                }
                else if (source[k] == '$' && k + 1 < source.Length && source[k + 1] == '{')
                {
                    Blank(at, k);
                    templates.Push(depth);
                    depth++;
                    return k + 2;
                }
                else
                    k++;
            }

            Blank(at, source.Length);
            return source.Length;
        }

        while (i < source.Length)
        {
            var c = source[i];
            if (c == '/' && i + 1 < source.Length && source[i + 1] == '/')
            {
                var end = source.IndexOf('\n', i);
                end = end < 0 ? source.Length : end;
                Blank(i, end);
                i = end;
                continue;
            }

            if (c == '/' && i + 1 < source.Length && source[i + 1] == '*')
            {
                var end = source.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? source.Length : end + 2;
                Blank(i, end);
                i = end;
                continue;
            }

            if (c is '\'' or '"')
            {
                var k = i + 1;
                while (k < source.Length && source[k] != c && source[k] != '\n')
                    k += source[k] == '\\' ? 2 : 1;
                Blank(i + 1, k);
                i = Math.Min(k + 1, source.Length);
                previous = 'a';
                continue;
            }

            if (c == '`')
            {
                i = TemplateBody(i + 1);
                previous = 'a';
                continue;
            }

            if (c == '/' && RegexMayStart(previous))
            {
                var k = i + 1;
                var inClass = false;
                while (k < source.Length && source[k] != '\n' && (source[k] != '/' || inClass))
                {
                    if (source[k] == '\\')
                        k++;
                    else if (source[k] == '[')
                        inClass = true;
                    else if (source[k] == ']')
                        inClass = false;
                    k++;
                }

                Blank(i + 1, k);
                i = Math.Min(k + 1, source.Length);
                previous = 'a';
                continue;
            }

            if (c == '{')
                depth++;
            else if (c == '}')
            {
                depth--;
                if (templates.Count > 0 && templates.Peek() == depth)
                {
                    templates.Pop();
                    i = TemplateBody(i + 1);
                    previous = 'a';
                    continue;
                }
            }

            if (!char.IsWhiteSpace(c))
                previous = c;
            i++;
        }

        return new string(masked);
    }

    /// <summary>After these a slash starts a regular expression rather than dividing.</summary>
    static bool RegexMayStart(char previous) => previous is '\0' or '(' or ',' or '=' or ':' or '[' or '!' or '&' or '|' or '?' or '{' or '}' or ';' or '+' or '-' or '*' or '%' or '<' or '>' or '~' or '^';

    static List<int> LineStarts(string source)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < source.Length; i++)
            if (source[i] == '\n')
                starts.Add(i + 1);
        return starts;
    }

    static int LineOf(List<int> starts, int offset)
    {
        var index = starts.BinarySearch(offset);
        return (index >= 0 ? index : ~index - 1) + 1;
    }

    [GeneratedRegex(@"(?<![\w$.])(?<fn>describe|context|suite|it|test|specify)(?<mods>(?:\s*\.\s*(?:only|skip|todo|each|concurrent|failing|sequential|fails|skipIf\([^)]*\)|runIf\([^)]*\)))*)\s*(?=[(`])")]
    private static partial Regex CallStart();
}
