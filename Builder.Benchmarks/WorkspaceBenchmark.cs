using System.Diagnostics;
using Builder.Core;
using Builder.Core.Domain;
using Builder.Core.Security;
using Builder.Worker.Execution;
using Builder.Worker.Workspaces;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Builder.Benchmarks;

/// <summary>
/// What a new feature's workspace costs: a cold clone of a generated repository of 5,000+ files
/// against a worktree from Builder's warm mirror (the target: warm ≤ 10 % of cold). Wall-clock
/// figures over several runs each; printed, never asserted.
/// </summary>
public static class WorkspaceBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var files = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 5000;
        const int runs = 7;
        var root = Path.Combine("/var/tmp", $"builder-bench-ws-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            var remote = CreateRepository(root, files);
            var options = Options.Create(new BuilderOptions { DataDirectory = Path.Combine(root, "data") });
            var git = new Git(new CommandRunner(NullLogger<CommandRunner>.Instance), options);
            var workspaces = new WorkspaceManager(git, options, new CredentialProtector(new EphemeralDataProtectionProvider()));
            var repository = new Repository { Name = "bench", Url = remote, DefaultBranch = "main" };

            var cold = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var target = Path.Combine(root, $"clone-{i}");
                var watch = Stopwatch.StartNew();
                Run(root, "git", "clone", "--quiet", remote, target);
                cold.Add(watch.Elapsed.TotalMilliseconds);
                Directory.Delete(target, recursive: true);
            }

            var head = await workspaces.FetchAsync(repository, "main", CancellationToken.None);
            var warm = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var feature = Guid.NewGuid();
                var watch = Stopwatch.StartNew();
                await workspaces.FetchAsync(repository, "main", CancellationToken.None);
                await workspaces.PrepareAsync(repository, feature, head, null, CancellationToken.None);
                warm.Add(watch.Elapsed.TotalMilliseconds);
                await workspaces.RemoveAsync(repository.Id, feature, CancellationToken.None);
            }

            var coldP50 = Median(cold);
            var warmP50 = Median(warm);
            Console.WriteLine($"repository: {files:N0} files, {runs} runs each");
            Console.WriteLine($"cold clone:                 p50 {coldP50,8:F1} ms   min {cold.Min(),8:F1} ms   max {cold.Max(),8:F1} ms");
            Console.WriteLine($"warm mirror fetch+worktree: p50 {warmP50,8:F1} ms   min {warm.Min(),8:F1} ms   max {warm.Max(),8:F1} ms");
            Console.WriteLine($"warm / cold: {warmP50 / coldP50:P1} (target ≤ 10 %)");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    static string CreateRepository(string root, int files)
    {
        var seed = Path.Combine(root, "seed");
        Directory.CreateDirectory(seed);
        Run(root, "git", "init", "--quiet", "--initial-branch", "main", seed);
        for (var i = 0; i < files; i++)
        {
            var path = Path.Combine(seed, $"src/module{i / 100:D3}/file{i:D5}.cs");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, $"namespace Module{i / 100};\n\npublic static class File{i}\n{{\n    public static int Value => {i};\n}}\n");
        }

        Run(seed, "git", "add", "--all");
        Run(seed, "git", "-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "--quiet", "-m", "generated");
        var remote = Path.Combine(root, "remote.git");
        Run(root, "git", "clone", "--quiet", "--bare", seed, remote);
        return remote;
    }

    static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    static void Run(string directory, string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardError = true };
        foreach (var arg in args)
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {error}");
    }
}
