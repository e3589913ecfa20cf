namespace Builder.Worker.Sandbox.Bubblewrap;

/// <summary>
/// A workspace made with <c>git worktree</c> keeps its repository in the worker's mirror, which the
/// sandbox hides with the rest of the data folder. Tools in the build read it (SourceLink, MinVer,
/// setuptools-scm, git describe), so that one repository is shown read-only.
/// </summary>
public static class GitMetadata
{
    /// <summary>The repository folder behind a worktree's <c>.git</c> file, or null when there is none.</summary>
    public static string? RepositoryOf(string workspace)
    {
        var dotGit = Path.Combine(workspace, ".git");
        if (!File.Exists(dotGit))
            return null;

        string content;
        try
        {
            content = File.ReadAllText(dotGit).Trim();
        }
        catch (IOException)
        {
            return null;
        }

        if (!content.StartsWith("gitdir:", StringComparison.Ordinal))
            return null;

        var gitDir = HostPaths.Normalize(Path.Combine(workspace, content["gitdir:".Length..].Trim()));
        var commonDirFile = Path.Combine(gitDir, "commondir");
        var repository = File.Exists(commonDirFile)
            ? HostPaths.Normalize(Path.Combine(gitDir, File.ReadAllText(commonDirFile).Trim()))
            : gitDir;
        return Directory.Exists(repository) ? repository : null;
    }
}
