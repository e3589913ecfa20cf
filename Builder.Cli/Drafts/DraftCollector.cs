using System.Diagnostics;
using System.Text;

namespace Builder.Cli.Drafts;

/// <summary>Reads draft files from folders and from git; drafts are text, so a binary file is refused here rather than by the API.</summary>
public static class DraftCollector
{
    public static IEnumerable<DraftFile> FromFolder(string folder, string mode)
    {
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
            throw new CliException($"'{folder}' is not a folder.");
        var files = Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar).Contains(".git"))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
            throw new CliException($"'{folder}' holds no files.");
        return files.Select(f => new DraftFile(Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'), mode, Read(f)));
    }

    public static async Task<IReadOnlyList<DraftFile>> FromGitAsync(string worktree, string baseRef, CancellationToken cancellationToken)
    {
        var top = (await GitAsync(worktree, cancellationToken, "rev-parse", "--show-toplevel")).Trim();
        var changes = (await GitAsync(top, cancellationToken, "diff", "--name-status", "--no-renames", "-z", baseRef, "--"))
            .Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var files = new List<DraftFile>();
        for (var i = 0; i + 1 < changes.Length; i += 2)
        {
            var (status, path) = (changes[i], changes[i + 1]);
            files.Add(status[0] switch
            {
                'A' => new DraftFile(path, "add", Read(Path.Combine(top, path))),
                'D' => new DraftFile(path, "delete", null),
                _ => new DraftFile(path, "replace", Read(Path.Combine(top, path))),
            });
        }

        foreach (var path in (await GitAsync(top, cancellationToken, "ls-files", "--others", "--exclude-standard", "-z")).Split('\0', StringSplitOptions.RemoveEmptyEntries))
            files.Add(new DraftFile(path, "add", Read(Path.Combine(top, path))));
        return files.Count == 0 ? throw new CliException($"The working tree {top} has no changes against {baseRef}.") : files;
    }

    static string Read(string file)
    {
        var bytes = File.ReadAllBytes(file);
        if (bytes.Contains((byte)0))
            throw new CliException($"{file} is a binary file; drafts carry text files only.");
        return new UTF8Encoding(false, throwOnInvalidBytes: false).GetString(bytes);
    }

    static async Task<string> GitAsync(string folder, CancellationToken cancellationToken, params string[] arguments)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("core.quotePath=false");
        foreach (var argument in arguments)
            psi.ArgumentList.Add(argument);
        Process git;
        try
        {
            git = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new CliException($"--diff needs git: {ex.Message}");
        }

        using (git)
        {
            var output = git.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = git.StandardError.ReadToEndAsync(cancellationToken);
            await git.WaitForExitAsync(cancellationToken);
            if (git.ExitCode != 0)
                throw new CliException($"git {string.Join(' ', arguments)} failed in {folder}: {(await error).Trim()}");
            return await output;
        }
    }
}
