namespace Builder.Benchmarks.Verify;

/// <summary>The sample library pushed to a bare repository that stands for the team's remote.</summary>
public static class SampleRepository
{
    public const string Branch = "main";

    /// <returns>The bare remote's path.</returns>
    public static async Task<string> CreateAsync(string root, Shell shell)
    {
        var seed = Path.Combine(root, "seed");
        var remote = Path.Combine(root, "remote.git");
        Directory.CreateDirectory(seed);
        (await shell.RunAsync(root, "git", "init", "--quiet", "--bare", "--initial-branch", Branch, remote)).EnsureSucceeded();
        (await shell.RunAsync(root, "git", "init", "--quiet", "--initial-branch", Branch, seed)).EnsureSucceeded();
        Write(seed, SampleLibrary.Files());
        (await shell.RunAsync(seed, "git", "add", "--all")).EnsureSucceeded();
        (await shell.RunAsync(seed, "git", "-c", "user.name=Sample", "-c", "user.email=sample@localhost", "commit", "--quiet", "-m", "Numerics library")).EnsureSucceeded();
        (await shell.RunAsync(seed, "git", "push", "--quiet", remote, $"{Branch}:{Branch}")).EnsureSucceeded();
        return remote;
    }

    public static void Write(string directory, IReadOnlyDictionary<string, string> files)
    {
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
    }
}
