namespace Builder.Worker.PullRequests;

static class Secrets
{
    const string Mask = "***";

    /// <summary>Removes the token from text a server sent back, before it reaches a message or a log.</summary>
    public static string Scrub(string? text, string? token)
    {
        if (string.IsNullOrEmpty(text))
            return "";
        // A token this short cannot be told from ordinary words; real ones are far longer.
        if (string.IsNullOrEmpty(token) || token.Length < 4)
            return text;
        return text.Replace(token, Mask, StringComparison.Ordinal);
    }

    /// <summary>A server's message cut to a length that fits in one log line.</summary>
    public static string Shorten(string text, int max = 300) =>
        text.Length <= max ? text : text[..max] + "…";
}
