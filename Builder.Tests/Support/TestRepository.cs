using System.Diagnostics;

namespace Builder.Tests.Support;

/// <summary>A real git repository for a test: a bare "remote" with a main branch holding the given files.</summary>
public sealed class TestRepository : IDisposable
{
    public string Root { get; }
    public string RemotePath => Path.Combine(Root, "remote.git");

    TestRepository(string root) => Root = root;

    public static TestRepository Create(IReadOnlyDictionary<string, string> files, string branch = "main")
    {
        var repository = new TestRepository(Directory.CreateTempSubdirectory("builder-repo-").FullName);
        var seed = Path.Combine(repository.Root, "seed");
        Git(repository.Root, "init", "--quiet", "--bare", "--initial-branch", branch, "remote.git");
        // Every ref update of the remote is logged, so a test can count pushes.
        Git(repository.RemotePath, "config", "core.logAllRefUpdates", "always");
        Git(repository.Root, "init", "--quiet", "--initial-branch", branch, "seed");
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(seed, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }

        Git(seed, "add", "--all");
        Git(seed, "-c", "user.name=Test", "-c", "user.email=test@localhost", "commit", "--quiet", "-m", "Initial commit");
        Git(seed, "push", "--quiet", repository.RemotePath, $"{branch}:{branch}");
        return repository;
    }

    /// <summary>A Make project whose test passes only when value.txt holds 42.</summary>
    public static TestRepository CreateMakeProject(string build = "@echo build ok", string test = "@test \"$$(cat value.txt)\" = 42 && echo tests passed") =>
        Create(new Dictionary<string, string>
        {
            ["Makefile"] = $"build:\n\t{build}\n\ntest:\n\t{test}\n",
            ["value.txt"] = "0\n",
            ["README.md"] = "# sample\n",
        });

    public IReadOnlyList<string> Branches() =>
        Git(RemotePath, "for-each-ref", "--format=%(refname:short)", "refs/heads").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public string Show(string branch, string path) => Git(RemotePath, "show", $"{branch}:{path}");

    public string Head(string branch) => Git(RemotePath, "rev-parse", branch).Trim();

    /// <summary>How many times the branch's ref was updated on the remote (1 = pushed once).</summary>
    public int RefUpdates(string branch)
    {
        var log = Path.Combine(RemotePath, "logs", "refs", "heads", branch);
        return File.Exists(log) ? File.ReadAllLines(log).Length : 0;
    }

    public static string Git(string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {error}");
        return output;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
