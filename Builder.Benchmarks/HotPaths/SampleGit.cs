using Builder.Benchmarks.Verify;

namespace Builder.Benchmarks.HotPaths;

/// <summary>The few git commands the benchmarks need to make a repository from generated files.</summary>
public static class SampleGit
{
    static readonly Shell Git = new(new Dictionary<string, string> { ["GIT_CONFIG_NOSYSTEM"] = "1", ["LC_ALL"] = "C" });

    public static async Task InitAsync(string folder) =>
        (await Git.RunAsync(folder, "git", "init", "--quiet", "--initial-branch", "main")).EnsureSucceeded();

    /// <summary>Commits everything git does not ignore; returns the commit.</summary>
    public static async Task<string> CommitAllAsync(string folder, string message)
    {
        (await Git.RunAsync(folder, "git", "add", "--all")).EnsureSucceeded();
        (await Git.RunAsync(folder, "git", "-c", "user.name=Bench", "-c", "user.email=bench@localhost", "commit", "--quiet", "--no-verify", "-m", message)).EnsureSucceeded();
        return (await Git.RunAsync(folder, "git", "rev-parse", "HEAD")).EnsureSucceeded().Output.Trim();
    }

    /// <summary>The change between two commits as Builder stores it (binary-safe, no colour, no renames).</summary>
    public static async Task<byte[]> DiffAsync(string folder, string from, string to)
    {
        var patch = Path.Combine(folder, "..", $"{Guid.NewGuid():N}.diff");
        (await Git.RunAsync(folder, "git", "diff", "--binary", "--no-color", "--no-ext-diff", "--no-renames", $"--output={patch}", from, to)).EnsureSucceeded();
        var bytes = await File.ReadAllBytesAsync(patch);
        File.Delete(patch);
        return bytes;
    }

    public static void Write(string folder, string path, string content)
    {
        var full = Path.Combine(folder, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }
}
