using System.Collections.Concurrent;
using System.Security.Cryptography;
using Builder.Core;
using Builder.Core.Domain;
using Builder.Core.Security;
using Microsoft.Extensions.Options;

namespace Builder.Worker.Workspaces;

/// <summary>
/// A bare mirror per repository, kept current with fetch, and a worktree per feature: a new feature
/// costs a checkout, not a clone. Workspaces are a cache: any worker can rebuild one from the base
/// commit and the stored change (docs/decisions/0004-workspaces-are-rebuilt.md).
/// </summary>
public sealed class WorkspaceManager(Git git, IOptions<BuilderOptions> options, CredentialProtector credentials)
{
    readonly ConcurrentDictionary<Guid, SemaphoreSlim> _repositoryLocks = new();

    string Root => options.Value.DataDirectory;

    public string MirrorPath(Guid repositoryId) => Path.Combine(Root, "mirrors", $"{repositoryId:N}.git");

    /// <summary>
    /// The feature's worktree; a variant ("base", "tests") is a second worktree of the same run, used by
    /// Verify to run the tests on the base commit beside the change.
    /// </summary>
    public string WorkspacePath(Guid featureId, string? variant = null) =>
        Path.Combine(Root, "workspaces", variant is null ? featureId.ToString("N") : $"{featureId:N}-{variant}");

    string StatePath(Guid featureId, string? variant = null) => WorkspacePath(featureId, variant) + ".state";
    string BuiltPath(Guid featureId, string? variant = null) => WorkspacePath(featureId, variant) + ".built";

    /// <summary>
    /// Records that the workspace, in its current state, was restored and built with the commands of
    /// <paramref name="fingerprint"/>: a later phase on the same worker then tests it without building again.
    /// A workspace prepared anew forgets it.
    /// </summary>
    public async Task MarkBuiltAsync(Guid featureId, string fingerprint, CancellationToken cancellationToken, string? variant = null)
    {
        if (File.Exists(StatePath(featureId, variant)))
            await File.WriteAllTextAsync(BuiltPath(featureId, variant), await File.ReadAllTextAsync(StatePath(featureId, variant), cancellationToken) + "\n" + fingerprint, cancellationToken);
    }

    public async Task<bool> IsBuiltAsync(Guid featureId, string fingerprint, CancellationToken cancellationToken, string? variant = null) =>
        File.Exists(StatePath(featureId, variant)) && File.Exists(BuiltPath(featureId, variant))
        && await File.ReadAllTextAsync(BuiltPath(featureId, variant), cancellationToken) == await File.ReadAllTextAsync(StatePath(featureId, variant), cancellationToken) + "\n" + fingerprint;

    /// <summary>A file's text at a commit of the repository's mirror, or null when the commit does not have it.</summary>
    public async Task<string?> ReadAtAsync(Guid repositoryId, string commit, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await git.RunAsync(MirrorPath(repositoryId), ["show", $"{commit}:{path}"], cancellationToken);
        }
        catch (GitException)
        {
            return null;
        }
    }

    public string? TokenOf(Repository repository) =>
        repository.ProtectedToken is null ? null : credentials.Unprotect(repository.ProtectedToken);

    /// <summary>Fetches the repository into its mirror and returns the commit the branch points at.</summary>
    public async Task<string> FetchAsync(Repository repository, string branch, CancellationToken cancellationToken)
    {
        var mirror = MirrorPath(repository.Id);
        using (await LockAsync(repository.Id, cancellationToken))
        {
            if (!Directory.Exists(mirror))
            {
                Directory.CreateDirectory(mirror);
                await git.RunAsync(mirror, ["init", "--bare", "--quiet"], cancellationToken);
            }

            await git.RunAsync(mirror, ["fetch", "--prune", "--quiet", "--no-tags", repository.Url, "+refs/heads/*:refs/heads/*"],
                cancellationToken, TokenOf(repository));
        }

        try
        {
            return await git.RunAsync(mirror, ["rev-parse", "--verify", $"refs/heads/{branch}^{{commit}}"], cancellationToken);
        }
        catch (GitException)
        {
            throw new BranchNotFoundException(branch);
        }
    }

    /// <summary>
    /// A clean worktree of the feature at <paramref name="baseCommit"/> with <paramref name="change"/>
    /// applied. Reuses the existing worktree when it is already in that state.
    /// </summary>
    public async Task<string> PrepareAsync(Repository repository, Guid featureId, string baseCommit, byte[]? change, CancellationToken cancellationToken,
        string? variant = null, IReadOnlyList<string>? onlyPaths = null)
    {
        var workspace = WorkspacePath(featureId, variant);
        Directory.CreateDirectory(Path.GetDirectoryName(workspace)!);
        var state = $"{baseCommit}:{(change is null ? "-" : Convert.ToHexString(SHA256.HashData(change)))}:{(onlyPaths is null ? "*" : string.Join(',', onlyPaths))}";
        if (Directory.Exists(workspace) && File.Exists(StatePath(featureId, variant)) && await File.ReadAllTextAsync(StatePath(featureId, variant), cancellationToken) == state)
            return workspace;

        File.Delete(StatePath(featureId, variant));
        File.Delete(BuiltPath(featureId, variant));
        var mirror = MirrorPath(repository.Id);
        using (await LockAsync(repository.Id, cancellationToken))
        {
            if (!await HasCommitAsync(mirror, baseCommit, cancellationToken))
            {
                Directory.CreateDirectory(mirror);
                if (!Directory.Exists(Path.Combine(mirror, "objects")))
                    await git.RunAsync(mirror, ["init", "--bare", "--quiet"], cancellationToken);
                await git.RunAsync(mirror, ["fetch", "--prune", "--quiet", "--no-tags", repository.Url, "+refs/heads/*:refs/heads/*"],
                    cancellationToken, TokenOf(repository));
            }

            if (Directory.Exists(Path.Combine(workspace, ".git")) || File.Exists(Path.Combine(workspace, ".git")))
            {
                RemoveStaleIndexLock(workspace);
                await git.RunAsync(workspace, ["checkout", "--force", "--quiet", "--detach", baseCommit], cancellationToken);
                await git.RunAsync(workspace, ["clean", "-ffdxq"], cancellationToken);
            }
            else
            {
                if (Directory.Exists(workspace))
                    Directory.Delete(workspace, recursive: true);
                await git.RunAsync(mirror, ["worktree", "prune"], cancellationToken);
                if (!await TakeSpareAsync(mirror, repository.Id, workspace, baseCommit, cancellationToken))
                    await git.RunAsync(mirror, ["worktree", "add", "--force", "--detach", "--quiet", workspace, baseCommit], cancellationToken);
            }
        }

        if (change is { Length: > 0 } && onlyPaths is not { Count: 0 })
        {
            var patch = workspace + ".diff";
            await File.WriteAllBytesAsync(patch, change, cancellationToken);
            // --include limits the patch to some files (the tests of a change, replayed on the base).
            string[] include = onlyPaths is null ? [] : [.. onlyPaths.Select(p => $"--include={p}")];
            await git.RunAsync(workspace, ["apply", "--index", "--binary", "--whitespace=nowarn", .. include, patch], cancellationToken);
            File.Delete(patch);
        }

        await File.WriteAllTextAsync(StatePath(featureId, variant), state, cancellationToken);
        return workspace;
    }

    /// <summary>
    /// A git killed mid-checkout (its phase cancelled when the broker connection dropped, its worker
    /// killed) leaves index.lock behind, and every later git in that worktree refuses to run. Only one
    /// phase of a run works in this worker at a time and this worker holds the repository's lock, so a
    /// lock found now belongs to no live git.
    /// </summary>
    static void RemoveStaleIndexLock(string workspace)
    {
        var dotGit = Path.Combine(workspace, ".git");
        var gitDirectory = File.Exists(dotGit) && File.ReadAllText(dotGit).Trim() is { } pointer && pointer.StartsWith("gitdir:", StringComparison.Ordinal)
            ? Path.GetFullPath(pointer["gitdir:".Length..].Trim(), workspace)
            : dotGit;
        File.Delete(Path.Combine(gitDirectory, "index.lock"));
    }

    /// <summary>Stages everything in the worktree and returns the binary diff against the base commit.</summary>
    public async Task<(byte[] Diff, IReadOnlyList<string> Files)> DiffAsync(string workspace, Guid featureId, string baseCommit, CancellationToken cancellationToken)
    {
        // Written to a file, not read from stdout: the patch must keep its bytes (CRLF, other encodings) exactly.
        var patch = Path.Combine(Root, "workspaces", $"{featureId:N}.out.diff");
        await git.RunAsync(workspace, ["add", "--all"], cancellationToken);
        await git.RunAsync(workspace, ["diff", "--cached", "--binary", "--no-color", "--no-ext-diff", $"--output={patch}", baseCommit], cancellationToken);
        var files = await git.RunAsync(workspace, ["diff", "--cached", "--name-only", "--no-renames", baseCommit], cancellationToken);
        var bytes = await File.ReadAllBytesAsync(patch, cancellationToken);
        File.Delete(patch);
        return (bytes, files.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Marks the workspace as holding <paramref name="change"/> on <paramref name="baseCommit"/>, so the next phase reuses it.</summary>
    public Task RememberAsync(Guid featureId, string baseCommit, byte[] change, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(StatePath(featureId), $"{baseCommit}:{Convert.ToHexString(SHA256.HashData(change))}:*", cancellationToken);

    /// <summary>
    /// Removes a run's worktrees, state files and report folders (they all start with its id). Up to
    /// <see cref="SparesPerRepository"/> worktrees are kept as spares of their repository: the next
    /// feature moves one into place and checks out only what differs, instead of writing every file.
    /// </summary>
    public async Task RemoveAsync(Guid repositoryId, Guid featureId, CancellationToken cancellationToken)
    {
        var folder = new DirectoryInfo(Path.Combine(Root, "workspaces"));
        var mirror = MirrorPath(repositoryId);
        using (await LockAsync(repositoryId, cancellationToken))
        {
            if (folder.Exists)
            {
                foreach (var entry in folder.EnumerateFileSystemInfos($"{featureId:N}*"))
                {
                    if (entry is not DirectoryInfo directory)
                        entry.Delete();
                    else if (!await KeepAsSpareAsync(mirror, repositoryId, directory, cancellationToken))
                        directory.Delete(recursive: true);
                }
            }

            if (Directory.Exists(mirror))
                await git.RunAsync(mirror, ["worktree", "prune"], cancellationToken);
        }
    }

    public const int SparesPerRepository = 2;

    string[] Spares(Guid repositoryId)
    {
        var folder = Path.Combine(Root, "workspaces");
        return Directory.Exists(folder) ? Directory.GetDirectories(folder, $"spare-{repositoryId:N}-*") : [];
    }

    async Task<bool> KeepAsSpareAsync(string mirror, Guid repositoryId, DirectoryInfo worktree, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(worktree.FullName, ".git")) || !Directory.Exists(mirror) || Spares(repositoryId).Length >= SparesPerRepository)
            return false;
        try
        {
            var spare = Path.Combine(worktree.Parent!.FullName, $"spare-{repositoryId:N}-{Guid.NewGuid():N}");
            await git.RunAsync(mirror, ["worktree", "move", "--force", "--force", worktree.FullName, spare], cancellationToken);
            return true;
        }
        catch (GitException)
        {
            return false;
        }
    }

    /// <summary>Moves a spare worktree of the repository into place at the base commit; false when there is none (or it broke).</summary>
    async Task<bool> TakeSpareAsync(string mirror, Guid repositoryId, string workspace, string baseCommit, CancellationToken cancellationToken)
    {
        foreach (var spare in Spares(repositoryId))
        {
            try
            {
                await git.RunAsync(mirror, ["worktree", "move", "--force", "--force", spare, workspace], cancellationToken);
                await git.RunAsync(workspace, ["checkout", "--force", "--quiet", "--detach", baseCommit], cancellationToken);
                await git.RunAsync(workspace, ["clean", "-ffdxq"], cancellationToken);
                return true;
            }
            catch (GitException)
            {
                if (Directory.Exists(spare))
                    Directory.Delete(spare, recursive: true);
                if (Directory.Exists(workspace))
                    Directory.Delete(workspace, recursive: true);
                await git.RunAsync(mirror, ["worktree", "prune"], cancellationToken);
            }
        }

        return false;
    }

    async Task<bool> HasCommitAsync(string mirror, string commit, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Path.Combine(mirror, "objects")))
            return false;
        try
        {
            await git.RunAsync(mirror, ["cat-file", "-e", $"{commit}^{{commit}}"], cancellationToken);
            return true;
        }
        catch (GitException)
        {
            return false;
        }
    }

    async Task<IDisposable> LockAsync(Guid repositoryId, CancellationToken cancellationToken)
    {
        var gate = _repositoryLocks.GetOrAdd(repositoryId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Releaser(gate);
    }

    sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}

public sealed class BranchNotFoundException(string branch) : Exception($"The branch '{branch}' does not exist in the repository.")
{
    public string Branch { get; } = branch;
}
