using System.Diagnostics;

namespace Builder.Tests.Hosting.Fakes;

/// <summary>A repository created through a fake host's API.</summary>
/// <param name="Path">"owner/name" (GitHub) or "group/sub/name" (GitLab).</param>
public sealed record FakeRepository(long Id, string Path, string? Description, string Visibility);

public abstract partial class FakeRestServer
{
    readonly List<FakeRepository> _repositories = [];
    bool _failAfterCreating;

    /// <summary>The host name clone and web URLs carry, as the real host's would ("github.test").</summary>
    public string GitHost { get; set; } = "git.test";

    /// <summary>
    /// Where a created repository gets a real bare git repository (GitRoot/path.git), so a git URL
    /// rewrite of https://GitHost/ to this folder lets git push to what the API created.
    /// </summary>
    public string? GitRoot { get; set; }

    public IReadOnlyList<FakeRepository> Repositories
    {
        get { lock (Gate) return [.. _repositories]; }
    }

    /// <summary>The next creation creates the repository, then answers 502 as a proxy that lost the answer would.</summary>
    public void FailAfterCreatingNext()
    {
        lock (Gate) _failAfterCreating = true;
    }

    /// <summary>Adds a repository as if someone had created it before the test.</summary>
    public FakeRepository AddRepository(string path, string visibility = "private") =>
        TryCreateRepository(path, null, visibility, out _) ?? throw new InvalidOperationException($"{path} exists");

    /// <summary>The new repository, or null when the path is taken; <paramref name="failAfter"/> says whether to answer 502 all the same.</summary>
    protected FakeRepository? TryCreateRepository(string path, string? description, string visibility, out bool failAfter)
    {
        FakeRepository created;
        lock (Gate)
        {
            failAfter = false;
            if (_repositories.Any(r => string.Equals(r.Path, path, StringComparison.OrdinalIgnoreCase)))
                return null;
            created = new FakeRepository(_repositories.Count + 1, path, description, visibility);
            _repositories.Add(created);
            (failAfter, _failAfterCreating) = (_failAfterCreating, false);
        }
        if (GitRoot is not null)
            InitBare(System.IO.Path.Combine(GitRoot, path + ".git"));
        return created;
    }

    protected FakeRepository? FindRepository(string path)
    {
        lock (Gate) return _repositories.FirstOrDefault(r => string.Equals(r.Path, path, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Whether the repository has no branch yet: what GitHub's size 0 and GitLab's empty_repo say.</summary>
    protected bool IsEmpty(FakeRepository repository)
    {
        if (GitRoot is null)
            return true;
        var bare = System.IO.Path.Combine(GitRoot, repository.Path + ".git");
        return !Directory.EnumerateFiles(System.IO.Path.Combine(bare, "refs", "heads"), "*", SearchOption.AllDirectories).Any()
               && !File.Exists(System.IO.Path.Combine(bare, "packed-refs"));
    }

    protected string CloneUrl(FakeRepository repository) => $"https://{GitHost}/{repository.Path}.git";

    protected string WebUrl(FakeRepository repository) => $"https://{GitHost}/{repository.Path}";

    static void InitBare(string path)
    {
        Directory.CreateDirectory(path);
        using var git = Process.Start(new ProcessStartInfo("git", ["init", "--quiet", "--bare", "--initial-branch=main", path])
            { RedirectStandardError = true })!;
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();
        if (git.ExitCode != 0)
            throw new InvalidOperationException($"git init --bare {path} failed: {error}");
    }
}
