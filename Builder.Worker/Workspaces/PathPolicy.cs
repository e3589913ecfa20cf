using Builder.Core.Domain;

namespace Builder.Worker.Workspaces;

public sealed class PathPolicyException(string path, string reason) : Exception($"'{path}' was refused: {reason}.")
{
    public string Path { get; } = path;
    public string Reason { get; } = reason;
}

/// <summary>Resolves a draft path to a file inside the workspace, refusing anything that would escape it.</summary>
public static class PathPolicy
{
    public static string Resolve(string workspace, string relativePath)
    {
        if (DraftPaths.Problem(relativePath) is { } problem)
            throw new PathPolicyException(relativePath, problem);

        var root = Path.GetFullPath(workspace);
        var full = Path.GetFullPath(Path.Combine(root, relativePath));
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new PathPolicyException(relativePath, "it resolves outside the workspace");

        // Every existing component must be a real directory (or, last, a regular file): a symlink
        // could redirect the write outside the workspace, or into .git.
        var current = root;
        foreach (var segment in relativePath.Split('/'))
        {
            current = Path.Combine(current, segment);
            var info = new FileInfo(current);
            if (info.LinkTarget is not null)
            {
                var target = Path.GetFullPath(info.LinkTarget, Path.GetDirectoryName(current)!);
                if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    throw new PathPolicyException(relativePath, $"'{Path.GetRelativePath(root, current)}' is a symlink that leaves the workspace");
                throw new PathPolicyException(relativePath, $"'{Path.GetRelativePath(root, current)}' is a symlink; Builder does not write through symlinks");
            }
        }

        return full;
    }
}
