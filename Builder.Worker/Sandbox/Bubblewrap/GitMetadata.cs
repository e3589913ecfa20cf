namespace Builder.Worker.Sandbox.Bubblewrap;

/// <summary>
/// A workspace made with <c>git worktree</c> keeps its repository in the worker's mirror, which the
/// sandbox hides with the rest of the data folder. Tools in the build read it (SourceLink, MinVer,
/// setuptools-scm, git describe), so that one repository is shown read-only.
/// </summary>
public static class GitMetadata
{
    /// <summary>
    /// The repository behind a worktree's <c>.git</c> file, or null. The <c>.git</c> file is in the
    /// workspace, so an earlier command may have rewritten it to point anywhere: the answer counts
    /// only when git's own link back (<c>&lt;repository&gt;/worktrees/&lt;name&gt;/gitdir</c>, out of
    /// the command's reach) names this workspace.
    /// </summary>
    public static string? RepositoryOf(string workspace)
    {
        try
        {
            var dotGit = Path.Combine(workspace, ".git");
            var content = ReadSmall(dotGit);
            if (content is null || !content.StartsWith("gitdir:", StringComparison.Ordinal))
                return null;

            var gitDir = HostPaths.Canonical(Path.Combine(workspace, content["gitdir:".Length..].Trim()));
            var worktrees = Path.GetDirectoryName(gitDir);
            if (worktrees is null || Path.GetFileName(worktrees) != "worktrees")
                return null;
            var repository = Path.GetDirectoryName(worktrees)!;

            var linked = ReadSmall(Path.Combine(gitDir, "gitdir"));
            if (linked is null || HostPaths.Canonical(Path.Combine(gitDir, linked)) != HostPaths.Canonical(dotGit))
                return null;

            return Directory.Exists(Path.Combine(repository, "objects")) ? repository : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// A small regular file's text, else null. Symlinks, FIFOs and devices (length 0) are refused:
    /// reading /dev/zero or a FIFO without a writer would hang the worker.
    /// </summary>
    static string? ReadSmall(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists || file.LinkTarget is not null || file.Length is 0 or > 4096)
            return null;
        return File.ReadAllText(path).Trim();
    }
}
