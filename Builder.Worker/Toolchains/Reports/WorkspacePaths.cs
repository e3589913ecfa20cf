namespace Builder.Worker.Toolchains;

/// <summary>Maps paths printed by test runners to repository-relative ones, and walks repository files.</summary>
public static class WorkspacePaths
{
    /// <summary>Not source: VCS data, installed dependencies, build output.</summary>
    public static readonly IReadOnlySet<string> NotSource = new HashSet<string>(StringComparer.Ordinal)
    {
        ".git", "node_modules", "bin", "obj", ".venv", "venv", "__pycache__", ".tox", "vendor", "dist", "target",
    };

    // Reports are often written into build output (target/surefire-reports), so only these are skipped.
    static readonly IReadOnlySet<string> NotReports = new HashSet<string>(StringComparer.Ordinal) { ".git", "node_modules" };

    /// <summary>
    /// The repository-relative form ("src/a_test.go") of a path a runner printed. Absolute paths may
    /// come from inside the sandbox, where the workspace is mounted elsewhere: then the longest
    /// trailing part that exists in the workspace is taken. Null when it cannot be placed.
    /// </summary>
    public static string? Relative(string workspace, string? reported)
    {
        if (string.IsNullOrWhiteSpace(reported))
            return null;

        var path = reported.Replace('\\', '/');
        if (path.StartsWith("file://", StringComparison.Ordinal))
            path = path["file://".Length..];

        var root = Path.GetFullPath(workspace).Replace('\\', '/').TrimEnd('/') + "/";
        if (path.StartsWith(root, StringComparison.Ordinal))
            return path[root.Length..];

        if (!path.StartsWith('/'))
        {
            var trimmed = path.StartsWith("./", StringComparison.Ordinal) ? path[2..] : path;
            return trimmed;
        }

        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var candidate = string.Join('/', parts[i..]);
            if (File.Exists(Path.Combine(workspace, candidate)))
                return candidate;
        }

        return null;
    }

    /// <summary>Repository files matching a pattern, skipping the folders in <paramref name="skip"/> (default <see cref="NotSource"/>).</summary>
    public static IEnumerable<string> Files(string root, string pattern, int maxDepth = int.MaxValue, IReadOnlySet<string>? skip = null)
    {
        skip ??= NotSource;
        if (!Directory.Exists(root))
            yield break;

        var pending = new Stack<(string Dir, int Depth)>();
        pending.Push((root, 0));
        while (pending.Count > 0)
        {
            var (dir, depth) = pending.Pop();
            IEnumerable<string> files, dirs;
            try
            {
                files = Directory.EnumerateFiles(dir, pattern).Order(StringComparer.Ordinal).ToList();
                dirs = depth < maxDepth ? Directory.EnumerateDirectories(dir).Order(StringComparer.Ordinal).Reverse().ToList() : [];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var file in files)
                yield return file;
            foreach (var sub in dirs)
            {
                if (!skip.Contains(Path.GetFileName(sub)) && (File.GetAttributes(sub) & FileAttributes.ReparsePoint) == 0)
                    pending.Push((sub, depth + 1));
            }
        }
    }

    /// <summary>Files under <paramref name="root"/> matching a glob with ** (any folders), * and ?.</summary>
    public static IEnumerable<string> Glob(string root, string glob)
    {
        var regex = new System.Text.RegularExpressions.Regex("^" + GlobToRegex(glob.Replace('\\', '/').TrimStart('/')) + "$");
        return Files(root, "*", skip: NotReports).Where(f => regex.IsMatch(Path.GetRelativePath(root, f).Replace('\\', '/')));
    }

    static string GlobToRegex(string glob)
    {
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                var slash = i + 2 < glob.Length && glob[i + 2] == '/';
                sb.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*') sb.Append("[^/]*");
            else if (c == '?') sb.Append("[^/]");
            else sb.Append(System.Text.RegularExpressions.Regex.Escape(c.ToString()));
        }

        return sb.ToString();
    }

    /// <summary>The path's folder names, without the file name.</summary>
    public static string[] Folders(string relativePath)
    {
        var parts = relativePath.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts[..^1];
    }
}
