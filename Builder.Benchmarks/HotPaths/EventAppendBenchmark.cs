using BenchmarkDotNet.Attributes;
using Builder.Core.Events;
using Microsoft.Extensions.DependencyInjection;

namespace Builder.Benchmarks.HotPaths;

/// <summary>
/// One event appended to a run's log through <see cref="FeatureEventLog.AppendAsync"/>, the path every
/// phase start, phase end and decision takes: look the key up, read the run's last sequence, insert
/// under the unique indexes. On SQLite (the embedded topology) and on PostgreSQL (the distributed one;
/// a throw-away local cluster or BUILDER_BENCH_POSTGRES). One writer, spread over 8 runs whose logs
/// grow as the benchmark goes, as a worker's runs do.
/// </summary>
[MemoryDiagnoser]
public class EventAppendBenchmark
{
    const int Runs = 8;

    BenchPostgres? _postgres;
    BenchHost? _host;
    FeatureEventLog _log = null!;
    readonly Guid _tenant = Guid.NewGuid();
    readonly Guid[] _runs = Enumerable.Range(0, Runs).Select(_ => Guid.NewGuid()).ToArray();
    long _appended;

    [Params("sqlite", "postgres")]
    public string Database { get; set; } = "sqlite";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        if (Database == "postgres")
        {
            _postgres = await BenchPostgres.StartAsync("bench_appends");
            if (_postgres is null)
                return;
        }

        _host = await BenchHost.StartAsync(_postgres?.ConnectionString);
        _log = _host.Services.GetRequiredService<FeatureEventLog>();
    }

    [Benchmark]
    public async Task<FeatureEvent?> Append()
    {
        // Without a database (PostgreSQL missing) the case measures nothing; the setup said why.
        if (_host is null)
            return null;
        var n = _appended++;
        return await _log.AppendAsync(_runs[n % Runs], _tenant, EventTypes.PhaseStarted, $"phase.started:{n}",
            new { phase = "build", attempt = 1, worker = "bench" }, "build");
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        if (_postgres is not null)
            await _postgres.DisposeAsync();
    }
}
