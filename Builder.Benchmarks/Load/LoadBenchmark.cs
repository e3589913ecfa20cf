using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Builder.Benchmarks.Verify;
using Builder.Core;
using Builder.Core.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Builder.Benchmarks.Load;

/// <summary>
/// The distributed topology under load, on servers the AppHost starts for the run: end-to-end runs per
/// minute and pipeline transitions per second with trivial drafts on a Makefile repository for 1, 2 and
/// 4 workers (scaling ratios), API GET latency at 200 requests/s while runs are in flight, runs in
/// flight at once with none lost, memory per in-flight run of the Api and the workers, and event
/// appends per second on PostgreSQL beside pgbench's TPC-B on the same server. Figures are printed
/// beside their goals and written to artifacts/load/; none is asserted.
/// </summary>
public static class LoadBenchmark
{
    static readonly string[] Ended = ["Completed", "Failed", "Cancelled", "Rejected", "RolledBack"];

    public static async Task RunAsync(string[] args)
    {
        var traced = !args.Contains("--no-traces");
        args = args.Where(a => a != "--no-traces").ToArray();
        var runsPerScale = args.Length > 0 && int.TryParse(args[0], out var r) && r > 0 ? r : 40;
        var inFlight = args.Length > 1 && int.TryParse(args[1], out var f) && f > 0 ? f : 200;
        var root = RepositoryRoot();
        var results = new JsonObject
        {
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["machine"] = $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):0.#} GB",
            ["runsPerScale"] = runsPerScale, ["inFlightRuns"] = inFlight, ["tracing"] = traced,
        };
        Console.WriteLine($"load: {runsPerScale} runs per scale, {inFlight} runs in flight; {results["machine"]}; " +
                          (traced ? "every span exported to the driver (figures taken with tracing on)" : "tracing off"));
        // Every process exports every span to the driver (no sampling), so each scale can say where its runs' time went.
        await using var receiver = traced ? OtlpReceiver.Start() : null;
        await using var servers = await LoadServers.StartAsync(root, 4);
        var remote = await CreateRepositoryAsync(servers.Folder);

        var scales = new JsonArray();
        double? single = null;
        foreach (var (workers, index) in new[] { 1, 2, 4 }.Select((w, i) => (w, i)))
        {
            var database = await servers.CreateDatabaseAsync($"load_w{workers}");
            await using var cluster = await LoadCluster.StartAsync(root, workers, database, servers.VirtualHost(index), servers.Redis, Path.Combine(servers.Folder, $"w{workers}"),
                receiver?.Environment);
            using var http = Client(cluster);
            var repositoryId = await new BuilderClient(http).RegisterRepositoryAsync($"load-{workers}", remote);
            receiver?.Take();
            var scale = await ThroughputAsync(http, repositoryId, runsPerScale, workers);
            if (receiver is not null)
                scale["traces"] = await WhereTheTimeGoesAsync(receiver, workers);
            // Other work on the machine stretches every figure: its load average says how much.
            scale["loadAverage"] = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            single ??= (double)scale["runsPerMinute"]!;
            scale["scaling"] = Math.Round((double)scale["runsPerMinute"]! / single.Value, 2);
            scales.Add(scale);
            Console.WriteLine($"load: {workers} worker(s): {scale["runsPerMinute"]} runs/min, {scale["transitionsPerSecond"]} transitions/s, " +
                              $"scaling ×{scale["scaling"]} of 1 worker; load average {scale["loadAverage"]}; time by phase {scale["timeByPhase"]!.ToJsonString()}");

            if (workers == 4)
            {
                results["apiLatency"] = await LatencyUnderLoadAsync(http, repositoryId, runsPerScale);
                results["inFlight"] = await InFlightAsync(http, cluster, repositoryId, inFlight);
                results["eventAppends"] = await EventAppendsAsync(database, servers);
            }
        }

        results["scales"] = scales;
        var folder = Directory.CreateDirectory(Path.Combine(root, "artifacts", "load")).FullName;
        var path = Path.Combine(folder, $"load-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        await File.WriteAllTextAsync(path, results.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine(Summary(results));
        Console.WriteLine($"load: figures written to {path}");
    }

    /// <summary>The spans of the scale's runs, once the exporters' next batch (every second) has surely arrived.</summary>
    static async Task<JsonObject> WhereTheTimeGoesAsync(OtlpReceiver receiver, int workers)
    {
        await Task.Delay(TimeSpan.FromSeconds(4));
        var traces = TraceBreakdown.Analyse(receiver.Take());
        traces["exportRequests"] = receiver.Requests;
        traces["exportRequestsRefused"] = receiver.Failures;
        Console.WriteLine($"load: {workers} worker(s), where the time goes: {TraceBreakdown.Describe(traces)}");
        return traces;
    }

    static HttpClient Client(LoadCluster cluster)
    {
        var http = new HttpClient { BaseAddress = cluster.Api, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", LoadCluster.AdminKey);
        return http;
    }

    /// <summary>Submits the runs 8 at a time, waits for every one to end, and reads the rates from their events.</summary>
    static async Task<JsonObject> ThroughputAsync(HttpClient http, Guid repositoryId, int runs, int workers)
    {
        var watch = Stopwatch.StartNew();
        var ids = await SubmitAsync(http, repositoryId, runs, 8, $"w{workers}");
        var features = await WaitAsync(http, ids, TimeSpan.FromMinutes(30));
        var wall = watch.Elapsed;
        var transitions = 0;
        var phases = new Dictionary<string, double>();
        foreach (var id in ids)
        {
            var events = JsonNode.Parse(await http.GetStringAsync($"/api/features/{id}/events?after=0&limit=5000"))!.AsArray();
            // The saga's transitions show as a run's request, each phase started and ended, and its end.
            transitions += events.Count(e => (string?)e!["type"] is "feature.requested" or "phase.started" or "phase.completed" or "phase.skipped"
                                             or "feature.completed" or "feature.failed");
            foreach (var phase in features[id]["phases"]!.AsArray())
                phases[(string)phase!["name"]!] = phases.GetValueOrDefault((string)phase["name"]!) + (phase["durationMs"]?.GetValue<long?>() ?? 0) / 1000.0;
        }

        var running = phases.Values.Sum();
        var waiting = features.Values.Sum(f => (f["updatedAt"]!.GetValue<DateTime>() - f["createdAt"]!.GetValue<DateTime>()).TotalSeconds) - running;
        phases["waiting for a worker or the bus"] = Math.Max(0, waiting);
        return new JsonObject
        {
            ["workers"] = workers, ["runs"] = runs, ["completed"] = features.Values.Count(f => (string?)f["status"] == "Completed"),
            ["wallSeconds"] = Math.Round(wall.TotalSeconds, 1),
            ["runsPerMinute"] = Math.Round(runs / wall.TotalMinutes, 1),
            ["transitionsPerSecond"] = Math.Round(transitions / wall.TotalSeconds, 1),
            ["timeByPhase"] = new JsonObject(phases.OrderByDescending(p => p.Value).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)Math.Round(p.Value, 1)))),
        };
    }

    /// <summary>
    /// 200 GETs a second for 15 s, spread over the features list, a feature and its events: first with
    /// nothing running (the baseline), then while a batch of runs goes through.
    /// </summary>
    static async Task<JsonObject> LatencyUnderLoadAsync(HttpClient http, Guid repositoryId, int runs)
    {
        var warm = await SubmitAsync(http, repositoryId, 1, 1, "latency-warm");
        await WaitAsync(http, warm, TimeSpan.FromMinutes(5));
        var idle = await GetLoadAsync(http, warm[0]);
        Console.WriteLine($"load: API GET at {idle["requestsPerSecond"]} req/s with no run in flight: p50 {idle["p50Ms"]} ms, p99 {idle["p99Ms"]} ms, {idle["errors"]} errors");
        var ids = await SubmitAsync(http, repositoryId, runs, 8, "latency");
        var busy = await GetLoadAsync(http, ids[0]);
        await WaitAsync(http, ids, TimeSpan.FromMinutes(30));
        Console.WriteLine($"load: API GET at {busy["requestsPerSecond"]} req/s with {runs} runs in flight: p50 {busy["p50Ms"]} ms, p99 {busy["p99Ms"]} ms, {busy["errors"]} errors");
        busy["idle"] = idle;
        return busy;
    }

    static async Task<JsonObject> GetLoadAsync(HttpClient http, Guid feature)
    {
        var urls = new[] { "/api/features?pageSize=20", $"/api/features/{feature}", $"/api/features/{feature}/events?after=0&limit=200" };
        var latencies = urls.ToDictionary(u => u, _ => new ConcurrentBag<double>());
        var errors = 0;
        var tasks = new List<Task>();
        var start = Stopwatch.StartNew();
        const int rate = 200;
        var total = rate * 15;
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / (double)rate);
            if (due > start.Elapsed)
                await Task.Delay(due - start.Elapsed);
            var url = urls[i % urls.Length];
            tasks.Add(Task.Run(async () =>
            {
                var watch = Stopwatch.StartNew();
                try
                {
                    using var response = await http.GetAsync(url);
                    await response.Content.ReadAsByteArrayAsync();
                    if (!response.IsSuccessStatusCode)
                        Interlocked.Increment(ref errors);
                    latencies[url].Add(watch.Elapsed.TotalMilliseconds);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
            }));
        }

        await Task.WhenAll(tasks);
        var all = latencies.Values.SelectMany(l => l).ToList();
        var result = new JsonObject
        {
            ["requestsPerSecond"] = Math.Round(total / start.Elapsed.TotalSeconds, 1), ["errors"] = errors, ["p50Ms"] = Percentile(all, 0.5),
            ["p99Ms"] = Percentile(all, 0.99),
        };
        foreach (var (url, values) in latencies)
            result[url.Split('?')[0].Replace(feature.ToString(), "{id}")] = new JsonObject { ["p50Ms"] = Percentile(values.ToList(), 0.5), ["p99Ms"] = Percentile(values.ToList(), 0.99) };
        return result;
    }

    /// <summary>Submits many runs at once, notes the most in flight and the memory of each process then, and checks every one ends.</summary>
    static async Task<JsonObject> InFlightAsync(HttpClient http, LoadCluster cluster, Guid repositoryId, int runs)
    {
        var idle = Memory(cluster);
        var submitted = SubmitAsync(http, repositoryId, runs, 16, "flight");
        var peak = 0;
        var peakMemory = idle;
        while (!submitted.IsCompleted)
        {
            await Task.Delay(1000);
            var status = JsonNode.Parse(await http.GetStringAsync("/api/status"))!["runs"]!;
            var open = status["requested"]!.GetValue<int>() + status["queued"]!.GetValue<int>() + status["running"]!.GetValue<int>();
            if (open > peak)
                (peak, peakMemory) = (open, Memory(cluster));
        }

        var ids = await submitted;
        var status2 = JsonNode.Parse(await http.GetStringAsync("/api/status"))!["runs"]!;
        var openNow = status2["requested"]!.GetValue<int>() + status2["queued"]!.GetValue<int>() + status2["running"]!.GetValue<int>();
        if (openNow > peak)
            (peak, peakMemory) = (openNow, Memory(cluster));
        var features = await WaitAsync(http, ids, TimeSpan.FromMinutes(120));
        var lost = ids.Count(id => !Ended.Contains((string?)features[id]["status"]));
        var perRunApi = peak == 0 ? 0 : (peakMemory.Api - idle.Api) * 1024 / peak;
        var perRunWorker = peak == 0 ? 0 : (peakMemory.Workers - idle.Workers) * 1024 / peak;
        Console.WriteLine($"load: {runs} runs submitted, {peak} in flight at most, {lost} lost, {features.Values.Count(f => (string?)f["status"] == "Completed")} completed; " +
                          $"memory per in-flight run: Api {perRunApi:0.#} KiB, workers {perRunWorker:0.#} KiB");
        return new JsonObject
        {
            ["submitted"] = runs, ["peakInFlight"] = peak, ["lost"] = lost, ["completed"] = features.Values.Count(f => (string?)f["status"] == "Completed"),
            ["apiMiBIdle"] = Math.Round(idle.Api, 1), ["apiMiBAtPeak"] = Math.Round(peakMemory.Api, 1),
            ["workersMiBIdle"] = Math.Round(idle.Workers, 1), ["workersMiBAtPeak"] = Math.Round(peakMemory.Workers, 1),
            ["apiKiBPerRun"] = Math.Round(perRunApi, 1), ["workerKiBPerRun"] = Math.Round(perRunWorker, 1),
        };
    }

    static (double Api, double Workers) Memory(LoadCluster cluster) =>
        (LoadCluster.ResidentMiB(cluster.ApiPid), cluster.WorkerPids.Sum(LoadCluster.ResidentMiB));

    /// <summary>Builder's own append path (the event log, max+1 under a unique index) from 8 writers for 10 s, then pgbench's TPC-B for 10 s.</summary>
    static async Task<JsonObject> EventAppendsAsync(string database, LoadServers servers)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:builderdb"] = database;
        builder.Configuration["Builder:DataDirectory"] = Path.Combine(servers.Folder, "appends");
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.AddBuilderCore();
        using var host = builder.Build();
        var log = host.Services.GetRequiredService<FeatureEventLog>();
        var db = host.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Builder.Core.Persistence.BuilderDbContext>>();
        await using var context = await db.CreateDbContextAsync();
        var features = context.Features.Select(f => new { f.Id, f.TenantId }).Take(8).ToList();
        var appended = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(features.Select(feature => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await log.AppendAsync(feature.Id, feature.TenantId, "load.appended", Guid.NewGuid().ToString("N"), new { n = appended });
                Interlocked.Increment(ref appended);
            }
        })));
        var perSecond = appended / watch.Elapsed.TotalSeconds;

        var pgbench = Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin", "pgbench")).Order().Last();
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(servers.Postgres);
        await servers.CreateDatabaseAsync("load_pgbench");
        var shell = new Shell(new Dictionary<string, string>());
        string[] target = ["-h", connection.Host!, "-p", connection.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "load_pgbench"];
        (await shell.RunAsync("/tmp", pgbench, ["-i", "-q", "-s", "4", .. target])).EnsureSucceeded();
        var bench = (await shell.RunAsync("/tmp", pgbench, ["-c", "8", "-j", "2", "-T", "10", .. target])).EnsureSucceeded();
        var tps = bench.Output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("tps = ", StringComparison.Ordinal)) is { } line
            ? double.Parse(line["tps = ".Length..].Split(' ')[0], CultureInfo.InvariantCulture)
            : double.NaN;
        Console.WriteLine($"load: event appends {perSecond:0} events/s (8 writers, Builder's append path) beside pgbench TPC-B {tps:0} tps (8 clients) on the same server: {perSecond / tps:P0}");
        return new JsonObject { ["eventsPerSecond"] = Math.Round(perSecond, 1), ["pgbenchTps"] = Math.Round(tps, 1), ["ratio"] = Math.Round(perSecond / tps, 3) };
    }

    static async Task<List<Guid>> SubmitAsync(HttpClient http, Guid repositoryId, int runs, int parallel, string batch)
    {
        var ids = new ConcurrentBag<Guid>();
        await Parallel.ForEachAsync(Enumerable.Range(1, runs), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (run, _) =>
        {
            using var response = await http.PostAsJsonAsync("/api/features", new
            {
                repositoryId, title = $"Load {batch} {run}", description = "A trivial change.", approvalMode = "auto", testsRequired = false,
                draft = new { files = new object[] { new { path = "value.txt", mode = "replace", content = "42\n" }, new { path = $"load/{batch}-{run}.txt", mode = "add", content = $"{run}\n" } } },
            });
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"submitting run {run} answered {(int)response.StatusCode}: {body}");
            ids.Add(JsonNode.Parse(body)!["id"]!.GetValue<Guid>());
        });
        return ids.ToList();
    }

    static async Task<Dictionary<Guid, JsonNode>> WaitAsync(HttpClient http, List<Guid> ids, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var features = new Dictionary<Guid, JsonNode>();
        while (true)
        {
            foreach (var id in ids.Where(id => !features.TryGetValue(id, out var f) || !Ended.Contains((string?)f["status"])))
                features[id] = JsonNode.Parse(await http.GetStringAsync($"/api/features/{id}"))!;
            if (features.Values.All(f => Ended.Contains((string?)f["status"])) || DateTime.UtcNow > deadline)
                return features;
            await Task.Delay(1000);
        }
    }

    static async Task<string> CreateRepositoryAsync(string folder)
    {
        var shell = new Shell(new Dictionary<string, string>());
        var seed = Path.Combine(folder, "seed");
        var remote = Path.Combine(folder, "remote.git");
        Directory.CreateDirectory(seed);
        (await shell.RunAsync(folder, "git", "init", "--quiet", "--bare", "--initial-branch", "main", remote)).EnsureSucceeded();
        (await shell.RunAsync(folder, "git", "init", "--quiet", "--initial-branch", "main", seed)).EnsureSucceeded();
        SampleRepository.Write(seed, new Dictionary<string, string>
        {
            ["Makefile"] = "build:\n\t@echo build ok\n\ntest:\n\t@test \"$$(cat value.txt)\" = 42 && echo tests passed\n",
            ["value.txt"] = "41\n",
        });
        (await shell.RunAsync(seed, "git", "add", "--all")).EnsureSucceeded();
        (await shell.RunAsync(seed, "git", "-c", "user.name=Bench", "-c", "user.email=bench@localhost", "commit", "--quiet", "-m", "Seed")).EnsureSucceeded();
        (await shell.RunAsync(seed, "git", "push", "--quiet", remote, "main:main")).EnsureSucceeded();
        return remote;
    }

    static string Summary(JsonObject results)
    {
        var scales = results["scales"]!.AsArray();
        var four = scales.Last()!;
        var latency = results["apiLatency"]!;
        var flight = results["inFlight"]!;
        var appends = results["eventAppends"]!;
        return string.Join('\n',
            $"load: transitions/s with 4 workers: {four["transitionsPerSecond"]} (goal ≥ 200)",
            $"load: runs/min for 1, 2, 4 workers: {string.Join(", ", scales.Select(s => s!["runsPerMinute"]))}; scaling to 2 workers ×{scales[1]!["scaling"]} (goal near ×2)",
            $"load: API GET p50 {latency["p50Ms"]} ms, p99 {latency["p99Ms"]} ms at {latency["requestsPerSecond"]} req/s with runs in flight; with none p50 {latency["idle"]!["p50Ms"]} ms, p99 {latency["idle"]!["p99Ms"]} ms (goal p99 ≤ 50 ms at 200 req/s)",
            $"load: {flight["peakInFlight"]} runs in flight at most, {flight["lost"]} lost (goal ≥ 1,000 with 0 lost)",
            $"load: memory per in-flight run: Api {flight["apiKiBPerRun"]} KiB, workers {flight["workerKiBPerRun"]} KiB",
            $"load: event appends {appends["eventsPerSecond"]}/s, pgbench TPC-B {appends["pgbenchTps"]} tps, ratio {appends["ratio"]}");
    }

    static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
            return 0;
        values.Sort();
        return Math.Round(values[Math.Clamp((int)Math.Ceiling(p * values.Count) - 1, 0, values.Count - 1)], 1);
    }

    static string RepositoryRoot()
    {
        var folder = Directory.GetCurrentDirectory();
        while (!File.Exists(Path.Combine(folder, "Builder.sln")))
            folder = Path.GetDirectoryName(folder) ?? throw new InvalidOperationException("Run the load benchmark from the repository.");
        return folder;
    }
}
