using Spectre.Console;

namespace Builder.Cli.Output;

/// <summary>
/// What the CLI prints of text it did not write itself (titles, logs, problem details): control
/// characters are dropped, so an ESC sequence in a title or a log line cannot repaint or retitle the
/// terminal, and bidi overrides cannot make text read other than it is.
/// </summary>
public static class PlainText
{
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return "";
        return text.Any(IsUnsafe) ? new string(text.Where(c => !IsUnsafe(c)).ToArray()) : text;
    }

    /// <summary>Cleaned and escaped for Spectre markup.</summary>
    public static string Escape(string? text) => Markup.Escape(Clean(text));

    static bool IsUnsafe(char c) =>
        (char.IsControl(c) && c is not '\n' and not '\t') || c is >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069';
}
