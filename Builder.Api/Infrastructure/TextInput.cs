namespace Builder.Api.Infrastructure;

/// <summary>
/// Which characters text fields may hold. Control characters reach terminals, logs and git (an ESC
/// sequence repaints a screen; Postgres cannot store NUL), and bidi overrides make a title or branch
/// display other than it is stored, so one-line fields refuse both; multi-line fields keep tab and
/// line breaks.
/// </summary>
public static class TextInput
{
    /// <summary>The first character a one-line field may not hold, or null.</summary>
    public static char? ForbiddenInLine(string value) => value.Cast<char?>().FirstOrDefault(c => IsControl(c!.Value) || IsBidiControl(c.Value));

    /// <summary>The first character a multi-line field (description, notes) may not hold, or null.</summary>
    public static char? ForbiddenInText(string value) =>
        value.Cast<char?>().FirstOrDefault(c => IsControl(c!.Value) && c is not ('\t' or '\n' or '\r'));

    public static string Describe(char c) => c switch
    {
        '\0' => "a NUL character (U+0000)",
        '\u001b' => "an escape character (U+001B)",
        _ when IsBidiControl(c) => $"a bidirectional override character (U+{(int)c:X4})",
        _ => $"a control character (U+{(int)c:X4})",
    };

    static bool IsControl(char c) => c < ' ' || c is >= '\u007f' and <= '\u009f';

    static bool IsBidiControl(char c) => c is >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069';
}
