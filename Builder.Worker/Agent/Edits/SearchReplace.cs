namespace Builder.Worker.Agent.Edits;

/// <summary>
/// Applies one search/replace edit to a file's text. The search text must match exactly once; when
/// it does not match exactly, a match that differs only in indentation or trailing whitespace is
/// accepted if it is unique. A failure says why and shows the lines that come closest, so the model
/// can correct the edit instead of guessing.
/// </summary>
public static class SearchReplace
{
    public sealed record Result(string? Text, string? Problem);

    public static Result Apply(string path, string text, string search, string replace)
    {
        if (search.Length == 0)
            return new Result(null, $"the search text for '{path}' is empty; to create or rewrite a whole file, give its full content instead");

        // Edits are written with \n; a CRLF file keeps its line endings.
        var crlf = text.Contains("\r\n");
        if (crlf)
        {
            search = search.Replace("\r\n", "\n").Replace("\n", "\r\n");
            replace = replace.Replace("\r\n", "\n").Replace("\n", "\r\n");
        }

        var first = text.IndexOf(search, StringComparison.Ordinal);
        if (first >= 0)
        {
            var second = text.IndexOf(search, first + 1, StringComparison.Ordinal);
            if (second >= 0)
                return new Result(null,
                    $"the search text occurs {Count(text, search)} times in '{path}' (first at line {LineOf(text, first)}, again at line {LineOf(text, second)}); include more surrounding lines so that it matches once");
            return new Result(string.Concat(text.AsSpan(0, first), replace, text.AsSpan(first + search.Length)), null);
        }

        var newline = crlf ? "\r\n" : "\n";
        var lines = text.Split(newline);
        var wanted = search.Split(newline);
        if (wanted.Length > 0 && wanted[^1].Length == 0)
            wanted = wanted[..^1];
        var matches = new List<int>();
        for (var i = 0; i + wanted.Length <= lines.Length; i++)
        {
            var all = true;
            for (var j = 0; j < wanted.Length && all; j++)
                all = lines[i + j].Trim() == wanted[j].Trim();
            if (all)
                matches.Add(i);
        }

        if (matches.Count == 1)
        {
            var replacement = replace.EndsWith(newline) ? replace[..^newline.Length] : replace;
            var start = matches[0];
            var rebuilt = lines[..start].Append(replacement).Concat(lines[(start + wanted.Length)..]);
            return new Result(string.Join(newline, rebuilt), null);
        }

        if (matches.Count > 1)
            return new Result(null, $"the search text matches {matches.Count} places in '{path}' when whitespace is ignored; include more surrounding lines so that it matches once");

        return new Result(null, $"the search text was not found in '{path}'. {Closest(lines, wanted)}Read the file again and copy the lines to replace exactly");
    }

    static string Closest(string[] lines, string[] wanted)
    {
        var probe = wanted.Select(w => w.Trim()).FirstOrDefault(w => w.Length > 0);
        if (probe is null)
            return "";
        var best = -1;
        var bestScore = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var score = CommonPrefix(lines[i].Trim(), probe);
            if (score > bestScore)
                (best, bestScore) = (i, score);
        }

        if (best < 0 || bestScore < Math.Min(8, probe.Length))
            return "No line resembles its first line. ";
        var excerpt = string.Join("\n", lines.Skip(best).Take(Math.Max(3, Math.Min(wanted.Length, 12))));
        return $"The closest text starts at line {best + 1}:\n{excerpt}\n";
    }

    static int CommonPrefix(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        var i = 0;
        while (i < n && a[i] == b[i])
            i++;
        return i;
    }

    static int Count(string text, string search)
    {
        var count = 0;
        for (var at = text.IndexOf(search, StringComparison.Ordinal); at >= 0; at = text.IndexOf(search, at + 1, StringComparison.Ordinal))
            count++;
        return count;
    }

    static int LineOf(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;
}
