using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Builder.Worker.Execution;
using Builder.Worker.Sandbox;
using Builder.Worker.Sandbox.Bubblewrap;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Builder.Benchmarks;

/// <summary>
/// What the sandbox adds to starting a command: <c>true</c> through <see cref="CommandRunner"/>
/// directly, through <see cref="BubblewrapSandbox"/> as the worker runs it (the unprivileged sandbox
/// user, cgroups), without cgroups or as the worker's own uid (to show what each layer costs), and
/// with every layer a restore gets (CPU quota, disk watch, egress proxy). Each run is measured on its own: 200 per case. Runs follow
/// each other closely, so the spare cgroups the sandbox prepares in the background are not always
/// ready: p95 shows that, p50 the usual case.
/// </summary>
[Config(typeof(Settings))]
public class SandboxStartBenchmark
{
    public const int Runs = 200;

    string _root = "";
    string _workspace = "";
    CommandRunner _runner = null!;
    BubblewrapSandbox _sandbox = null!;
    BubblewrapSandbox _sandboxWithoutCgroups = null!;
    BubblewrapSandbox _sandboxAsWorker = null!;

    [GlobalSetup]
    public void Setup()
    {
        // Outside /tmp, like a worker's data folder, so the mount plan has a data folder to hide.
        _root = Path.Combine("/var/tmp", $"builder-bench-{Guid.NewGuid():N}");
        _workspace = Path.Combine(_root, "workspaces", "ws");
        Directory.CreateDirectory(_workspace);
        _runner = new CommandRunner(NullLogger<CommandRunner>.Instance);
        _sandbox = Sandbox(new SandboxOptions { HiddenPaths = [_root] });
        _sandboxWithoutCgroups = Sandbox(new SandboxOptions { HiddenPaths = [_root], UseCgroups = false });
        _sandboxAsWorker = Sandbox(new SandboxOptions { HiddenPaths = [_root], RunAs = SandboxUser.WorkerUser });
        if (_sandbox.User is null)
            throw new InvalidOperationException("The benchmark measures the unprivileged sandbox user: run it as root from a folder other users can enter.");
    }

    BubblewrapSandbox Sandbox(SandboxOptions options) =>
        new(_runner, Options.Create(options), NullLogger<BubblewrapSandbox>.Instance);

    [GlobalCleanup]
    public void Cleanup()
    {
        _sandbox.Dispose();
        _sandboxWithoutCgroups.Dispose();
        _sandboxAsWorker.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "bare process")]
    public async Task<int> Bare()
    {
        var result = await _runner.RunAsync(CommandSpec.Shell("true", _workspace), CancellationToken.None);
        return Check(result.ExitCode, result.Output);
    }

    [Benchmark(Description = "bubblewrap + cgroups")]
    public async Task<int> Bubblewrap()
    {
        var result = await _sandbox.RunAsync(new SandboxRequest("true", _workspace), CancellationToken.None);
        return Check(result.ExitCode, result.Output);
    }

    [Benchmark(Description = "bubblewrap, no cgroups")]
    public async Task<int> BubblewrapWithoutCgroups()
    {
        var result = await _sandboxWithoutCgroups.RunAsync(new SandboxRequest("true", _workspace), CancellationToken.None);
        return Check(result.ExitCode, result.Output);
    }

    [Benchmark(Description = "bubblewrap + cgroups, worker uid")]
    public async Task<int> BubblewrapAsWorker()
    {
        var result = await _sandboxAsWorker.RunAsync(new SandboxRequest("true", _workspace), CancellationToken.None);
        return Check(result.ExitCode, result.Output);
    }

    [Benchmark(Description = "restore: + CPU quota, disk watch, egress proxy")]
    public async Task<int> Restore()
    {
        var result = await _sandbox.RunAsync(new SandboxRequest("true", _workspace)
        {
            Network = true,
            Egress = Builder.Core.Policy.EgressPolicy.For("dotnet", []),
            CpuCores = 1,
            MaxDiskBytes = 1L << 30,
        }, CancellationToken.None);
        return Check(result.ExitCode, result.Output);
    }

    static int Check(int exitCode, string output) =>
        exitCode == 0 ? exitCode : throw new InvalidOperationException($"true failed (exit {exitCode}): {output}");

    public static void Run(string[] args)
    {
        var summary = BenchmarkRunner.Run<SandboxStartBenchmark>(args: args);
        PrintOverhead(summary);
    }

    /// <summary>Printed, never asserted: the target (≤ 10 ms at the median) is a guide, and shared machines vary.</summary>
    static void PrintOverhead(Summary summary)
    {
        double? Percentile(string method, double p) => summary.Reports
            .FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method)?
            .ResultStatistics?.Percentiles.Percentile((int)p) / 1_000_000;

        Console.WriteLine();
        Console.WriteLine($"{"",-24} {"p50 ms",8} {"p95 ms",8}");
        foreach (var method in new[] { nameof(Bare), nameof(Bubblewrap), nameof(BubblewrapWithoutCgroups), nameof(BubblewrapAsWorker), nameof(Restore) })
            Console.WriteLine($"{method,-24} {Percentile(method, 50),8:0.00} {Percentile(method, 95),8:0.00}");
        Console.WriteLine();
        Console.WriteLine($"sandbox start overhead, p50: {Percentile(nameof(Bubblewrap), 50) - Percentile(nameof(Bare), 50):0.00} ms " +
                          $"(p95: {Percentile(nameof(Bubblewrap), 95) - Percentile(nameof(Bare), 95):0.00} ms); target: at most 10 ms at p50");
        Console.WriteLine($"restore start overhead (quota, disk watch, egress proxy), p50: {Percentile(nameof(Restore), 50) - Percentile(nameof(Bare), 50):0.00} ms");
    }

    sealed class Settings : ManualConfig
    {
        public Settings()
        {
            // In process: nothing to generate and build, and one command start is one measured
            // invocation (no unrolling, no batching), 200 times, after a few warm-up runs.
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithWarmupCount(10)
                .WithIterationCount(Runs)
                .WithInvocationCount(1)
                .WithUnrollFactor(1));
            AddColumn(StatisticColumn.P50, StatisticColumn.P95, StatisticColumn.Min, StatisticColumn.Max);
            // artifacts/ is ignored by git; BenchmarkDotNet's default folder is not.
            ArtifactsPath = Path.Combine(Directory.GetCurrentDirectory(), "artifacts", "benchmarks");
            WithOptions(ConfigOptions.JoinSummary);
        }
    }
}
