namespace Builder.Core.Domain;

/// <summary>
/// The rules every path a draft (or the agent) writes must satisfy, checked before anything touches
/// a workspace: relative, inside the repository, not under .git. Symlinks are checked against the
/// real workspace by the worker.
/// </summary>
public static class DraftPaths
{
    /// <summary>Null when the path is acceptable, otherwise why not.</summary>
    public static string? Problem(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
            return "the path is empty";
        if (path.Contains('\0'))
            return "the path contains a NUL character";
        if (path.Any(c => char.IsControl(c) || c is >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069'))
            return "the path contains a control or bidirectional override character";
        if (path.Contains('\\'))
            return "the path contains '\\'; use '/' as the separator";
        if (path.StartsWith('/') || path.StartsWith('~') || (path.Length > 1 && path[1] == ':'))
            return "the path is absolute; paths are relative to the repository root";

        var segments = path.Split('/');
        if (segments.Any(s => s == ".."))
            return "the path contains '..'; it must stay inside the repository";
        if (segments.Any(s => s.Length == 0 || s == "."))
            return "the path has an empty or '.' segment";
        if (segments.Any(s => s.Equals(".git", StringComparison.OrdinalIgnoreCase)))
            return "the path is inside .git; Builder never writes git's own files";
        if (path.Length > 1024)
            return "the path is longer than 1024 characters";
        return null;
    }
}
