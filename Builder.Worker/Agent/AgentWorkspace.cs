using Builder.Core;
using Builder.Core.Domain;
using Builder.Core.Policy;
using Builder.Worker.Workspaces;

namespace Builder.Worker.Agent;

/// <summary>A tool call the agent refused: the tool, the path it aimed at, and the rule that stopped it.</summary>
public sealed record Refusal(string Tool, string Path, string Reason);

/// <summary>
/// The files of one workspace as the agent's tools see them. Reads stay inside the workspace (no
/// symlink out of it, nothing under .git); every write goes through <see cref="PathPolicy"/> and
/// <see cref="ChangePolicy"/> — the same rules as a draft's — before it touches the disk.
/// </summary>
public sealed class AgentWorkspace(string root, IEnumerable<string> files, RepositorySettings settings, LimitOptions limits)
{
    readonly SortedSet<string> _files = new(files, StringComparer.Ordinal);
    readonly List<Refusal> _refusals = [];
    readonly HashSet<string> _written = new(StringComparer.Ordinal);

    public string Root { get; } = Path.GetFullPath(root);

    public IReadOnlyCollection<string> Files => _files;

    public IReadOnlyList<Refusal> Refusals => _refusals;

    /// <summary>Paths the agent wrote or deleted in this step.</summary>
    public IReadOnlyCollection<string> Written => _written;

    /// <summary>Called for each refusal, to record it as an event.</summary>
    public Func<Refusal, Task> OnRefused { get; set; } = _ => Task.CompletedTask;

    public bool Exists(string path) => _files.Contains(path);

    /// <summary>The full path to read, or why the path may not be read.</summary>
    public (string? FullPath, string? Problem) ResolveRead(string path)
    {
        if (DraftPaths.Problem(path) is { } problem)
            return (null, problem);
        var full = Path.GetFullPath(Path.Combine(Root, path));
        if (!full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            return (null, "it resolves outside the workspace");

        var current = Root;
        foreach (var segment in path.Split('/'))
        {
            current = Path.Combine(current, segment);
            var info = new FileInfo(current);
            if (info.LinkTarget is null)
                continue;
            var target = Path.GetFullPath(info.LinkTarget, Path.GetDirectoryName(current)!);
            if (!target.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                return (null, $"'{Path.GetRelativePath(Root, current)}' is a symlink that leaves the workspace");
        }

        return (full, null);
    }

    public async Task<string?> RefuseAsync(string tool, string path, string reason)
    {
        var refusal = new Refusal(tool, path, reason);
        _refusals.Add(refusal);
        await OnRefused(refusal);
        return $"REFUSED: '{path}' — {reason}. This is a rule of the platform, not an error to work around.";
    }

    /// <summary>Writes a file through the policies; returns null on success, else the refusal text for the model.</summary>
    public async Task<string?> WriteAsync(string tool, string path, string content, CancellationToken cancellationToken)
    {
        string full;
        try
        {
            full = PathPolicy.Resolve(Root, path);
        }
        catch (PathPolicyException ex)
        {
            return await RefuseAsync(tool, path, ex.Reason);
        }

        if (ChangePolicy.Check(path, content, settings, limits) is { Count: > 0 } violations)
            return await RefuseAsync(tool, path, string.Join("; ", violations.Select(v => v.Reason)));

        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await File.WriteAllTextAsync(full, content, cancellationToken);
        _files.Add(path);
        _written.Add(path);
        return null;
    }

    public async Task<string?> DeleteAsync(string tool, string path)
    {
        string full;
        try
        {
            full = PathPolicy.Resolve(Root, path);
        }
        catch (PathPolicyException ex)
        {
            return await RefuseAsync(tool, path, ex.Reason);
        }

        if (ChangePolicy.Check(path, null, settings, limits) is { Count: > 0 } violations)
            return await RefuseAsync(tool, path, string.Join("; ", violations.Select(v => v.Reason)));
        if (!File.Exists(full))
            return $"ERROR: '{path}' does not exist.";
        File.Delete(full);
        _files.Remove(path);
        _written.Add(path);
        return null;
    }
}
