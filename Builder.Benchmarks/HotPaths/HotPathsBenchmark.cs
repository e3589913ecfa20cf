using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Builder.Benchmarks.HotPaths;

/// <summary>
/// The code every run goes through, measured on its own: an event appended to a run's log, a saga
/// transition through the bus and the EF saga repository, the policy check of a draft and of its
/// tests, the analysis of a change's diff, and the repository map of a 20,000-file tree.
/// Remaining arguments go to BenchmarkDotNet (<c>--filter '*Saga*'</c>).
/// </summary>
public static class HotPathsBenchmark
{
    static readonly Type[] Benchmarks =
    [
        typeof(EventAppendBenchmark), typeof(SagaTransitionBenchmark), typeof(DraftPolicyBenchmark),
        typeof(DiffAnalysisBenchmark), typeof(RepoMapBenchmark),
    ];

    public static void Run(string[] args)
    {
        // Without a filter BenchmarkDotNet asks which benchmark to run; all of them is the point here.
        var arguments = args.Any(a => a.StartsWith("--filter", StringComparison.Ordinal) || a == "-f") ? args : [.. args, "--filter", "*"];
        BenchmarkSwitcher.FromTypes(Benchmarks).Run(arguments, new Settings());
    }

    /// <summary>
    /// In process (nothing to generate and compile per case) and short: 2 warm-up and 6 measured
    /// iterations, so the whole set runs in a few minutes on a 2-core machine. The error columns say
    /// how far to trust each mean.
    /// </summary>
    sealed class Settings : ManualConfig
    {
        public Settings()
        {
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1)
                .WithWarmupCount(2)
                .WithIterationCount(6)
                .WithId("hotpaths"));
            AddDiagnoser(MemoryDiagnoser.Default);
            AddColumnProvider(DefaultColumnProviders.Instance);
            AddColumn(StatisticColumn.P50, StatisticColumn.P95);
            AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default);
            AddExporter(BenchmarkDotNet.Exporters.MarkdownExporter.GitHub);
            ArtifactsPath = Path.Combine(Directory.GetCurrentDirectory(), "artifacts", "benchmarks");
            WithOptions(ConfigOptions.JoinSummary);
        }
    }
}
