using Builder.Benchmarks.Verify;

namespace Builder.Benchmarks;

/// <summary>
/// Builder's pipeline for a feature against the same proof given by hand with git and the dotnet CLI,
/// on a generated library with a few hundred tests: the first feature on a base (Verify runs the
/// change, the base and the change's tests on the base) and a second one on the same base (the base's
/// results come from the cache). Wall-clock figures against the goals (cold ≤ 1.5×, second ≤ 1.0× the
/// proof by hand); printed, never asserted.
/// </summary>
public static class VerifyBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var runs = args.Length > 0 && int.TryParse(args[0], out var n) && n > 0 ? n : 1;
        var root = Path.Combine("/var/tmp", $"builder-bench-verify-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            await using var api = new EmbeddedApi(Path.Combine(root, "builder-data"));
            var builder = api.Admin();
            // Both sides read the same package folders (the tenant's), filled once before anything is timed.
            var shell = new Shell(api.PackageCaches(await builder.TenantIdAsync()));
            Console.WriteLine($"sample: .NET library, xunit tests ({SampleLibrary.GeneratedTests} generated + the features' areas); {runs} run(s); {Environment.ProcessorCount} cores");
            Console.WriteLine("warm-up: restoring the sample into the shared package folders (so no side pays first downloads)…");
            await WarmUpAsync(root, shell);
            Console.WriteLine("both sides compile without a resident compiler server or MSBuild node reuse (Builder's sandbox cannot keep one).");

            var repetitions = new List<Repetition>();
            for (var i = 1; i <= runs; i++)
            {
                var repetition = await MeasureAsync(builder, shell, Path.Combine(root, $"run-{i}"), i);
                repetitions.Add(repetition);
                Report.Print(runs == 1 ? "result" : $"run {i} of {runs}", [repetition]);
            }

            if (runs > 1)
                Report.Print($"medians of {runs} runs", repetitions);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    static async Task<Repetition> MeasureAsync(BuilderClient builder, Shell shell, string directory, int index)
    {
        Directory.CreateDirectory(directory);
        var remote = await SampleRepository.CreateAsync(directory, shell);
        var loadBefore = LoadAverage();

        Console.WriteLine($"run {index}: proof by hand…");
        var byHand = await new HandProof(shell).RunAsync(directory, remote, SampleLibrary.TitleCase);
        var repositoryId = await builder.RegisterRepositoryAsync($"numerics-{index}", remote);
        Console.WriteLine($"run {index}: Builder, first feature on the base…");
        var cold = await BuilderRun.MeasureAsync(builder, repositoryId, SampleLibrary.TitleCase);
        Console.WriteLine($"run {index}: Builder, second feature on the same base…");
        var second = await BuilderRun.MeasureAsync(builder, repositoryId, SampleLibrary.PositiveGcd);
        if (second.BaseResultsReusedEvents == 0)
            Console.WriteLine("warning: the second feature did not reuse the base's results (no base_results.reused event)");

        return new Repetition(byHand, cold, second, loadBefore, LoadAverage());
    }

    static async Task WarmUpAsync(string root, Shell shell)
    {
        var directory = Path.Combine(root, "warm-up");
        SampleRepository.Write(directory, SampleLibrary.Files());
        (await shell.RunAsync(directory, "dotnet", "restore", "-nologo")).EnsureSucceeded();
    }

    static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
