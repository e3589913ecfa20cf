namespace Builder.Benchmarks;

/// <summary>One benchmark class per measurement; the first argument picks it, the rest go to BenchmarkDotNet.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "sandbox":
                SandboxStartBenchmark.Run(args[1..]);
                return 0;
            case "workspace":
                await WorkspaceBenchmark.RunAsync(args[1..]);
                return 0;
            case "verify":
                await VerifyBenchmark.RunAsync(args[1..]);
                return 0;
            case "load":
                await Load.LoadBenchmark.RunAsync(args[1..]);
                return 0;
            case "hotpaths":
                HotPaths.HotPathsBenchmark.Run(args[1..]);
                return 0;
            case "rollback":
                await RollbackBenchmark.RunAsync(args[1..]);
                return 0;
            default:
                Console.Error.WriteLine("""
                    usage: dotnet run -c Release --project Builder.Benchmarks -- <benchmark> [BenchmarkDotNet options]

                      sandbox     start overhead of the bubblewrap sandbox over a bare process ("true", 200 runs each)
                      workspace   cold clone vs a worktree from the warm mirror, for a generated repository [files, default 5000]
                      load        the distributed topology on the AppHost's servers: runs/min and transitions/s for 1, 2, 4 workers, API GET p50/p99 at 200 req/s, runs in flight, memory per run, event appends vs pgbench [runs per scale, default 40] [runs in flight, default 200]
                      hotpaths    BenchmarkDotNet figures of the code every run goes through: event append (SQLite, PostgreSQL), saga transition on the EF saga repository, draft policy and weakened-test check, diff analysis, repo map of a 20,000-file tree
                      rollback    a failed readiness gate and a breach after the switch on the local target, to the previous version serving again [rounds, default 3]
                      verify      Builder's pipeline for a feature against the same proof by hand (git + dotnet), cold and on a cached base [runs, default 1]
                    """);
                return 2;
        }
    }
}
