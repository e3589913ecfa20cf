using System.Diagnostics;
using System.Text.Json.Nodes;
using Builder.Benchmarks.Verify;

namespace Builder.Benchmarks;

/// <summary>
/// How fast a bad version is taken back on the local target, through the embedded Api with default
/// settings: a version that fails its readiness gate (time from the gate's final failure to the
/// rollback's end; traffic never moved) and a version that breaches the policy after taking traffic
/// (time from the breach to the rollback's end, and from the first failed answer a client saw at the
/// stable address to the previous version answering it again). Goal ≤ 5 s; printed, never asserted.
/// </summary>
public static class RollbackBenchmark
{
    /// <summary>Healthy, never ready (500), or healthy for two seconds and then failing every request.</summary>
    const string Server = """
        const http = require('http');
        const fs = require('fs');
        const read = (name, fallback) => fs.existsSync(`${__dirname}/${name}`) ? fs.readFileSync(`${__dirname}/${name}`, 'utf8').trim() : fallback;
        const version = read('version.txt', '0');
        const mode = read('mode.txt', 'healthy');
        const started = Date.now();
        http.createServer((req, res) => {
          const failing = mode === 'unready' || (mode === 'breach' && Date.now() - started > 2000);
          res.writeHead(failing ? 500 : 200, { 'content-type': 'text/plain' });
          res.end(failing ? 'failing\n' : `version ${version}\n`);
        }).listen(Number(process.env.PORT), '127.0.0.1');
        """;

    const string Manifest = """
        service: bench-rollback
        runtime: node
        start: node server.js
        health:
          path: /health
          readinessTimeout: 5s
        policy:
          interval: 100ms
          window: 6s
          keepPrevious: 5m
        """;

    public static async Task RunAsync(string[] args)
    {
        var rounds = args.Length > 0 && int.TryParse(args[0], out var n) && n > 0 ? n : 3;
        var root = Path.Combine("/var/tmp", $"builder-bench-rollback-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            await using var api = new EmbeddedApi(Path.Combine(root, "builder-data"));
            var builder = api.Admin();
            var remote = await CreateRepositoryAsync(root);
            var repositoryId = await builder.RegisterRepositoryAsync("bench-rollback", remote);
            Console.WriteLine($"local target, embedded Api with default settings; {rounds} round(s); {Environment.ProcessorCount} cores");

            List<double> gate = [], breach = [], seen = [];
            var number = 0;
            for (var round = 1; round <= rounds; round++)
            {
                await DeployAsync(builder, repositoryId, ++number, "healthy", "Completed");
                var stable = (await builder.ServiceAsync("bench-rollback"))["stableUrl"]!.GetValue<string>();

                var unready = await DeployAsync(builder, repositoryId, ++number, "unready", "RolledBack");
                gate.Add(Between(unready, e => (string)e["type"]! == "healthcheck.readiness" && (int)e["payload"]!["attempt"]! == 2, "rollback.completed"));

                using var watch = new StableWatch(stable, $"version {number - 1}");
                var breached = await DeployAsync(builder, repositoryId, ++number, "breach", "RolledBack");
                breach.Add(Between(breached, e => (string)e["type"]! == "healthcheck.breached", "rollback.completed"));
                seen.Add(await watch.RecoveredAsync());
                Console.WriteLine($"round {round}: gate → rollback {gate[^1]:0} ms; breach → rollback {breach[^1]:0} ms; first failure seen → previous version answering {seen[^1]:0} ms");
            }

            Console.WriteLine();
            Print("failed readiness gate → rollback complete (previous version kept serving)", gate);
            Print("breach in the window → rollback complete", breach);
            Print("first failed answer at the stable address → previous version answering it", seen);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    static void Print(string what, List<double> figures)
    {
        var sorted = figures.Order().ToList();
        Console.WriteLine($"{what}: p50 {sorted[sorted.Count / 2]:0} ms, max {sorted[^1]:0} ms (goal ≤ 5000 ms)");
    }

    static async Task<JsonArray> DeployAsync(BuilderClient builder, Guid repositoryId, int version, string mode, string expected)
    {
        var feature = new SampleFeature($"Version {version} ({mode})", "", "", new Dictionary<string, string> { ["version.txt"] = $"{version}\n", ["mode.txt"] = $"{mode}\n" });
        var id = await builder.SubmitAsync(repositoryId, feature, testsRequired: false);
        var ended = await builder.WaitForEndAsync(id, TimeSpan.FromMinutes(5));
        if ((string?)ended["status"] != expected)
            throw new InvalidOperationException($"Version {version} ({mode}) ended {ended["status"]}, not {expected}: {ended.ToJsonString()}");
        return await builder.EventsAsync(id);
    }

    static double Between(JsonArray events, Func<JsonNode, bool> from, string to)
    {
        var start = events.Last(e => from(e!))!["timestamp"]!.GetValue<DateTime>();
        var end = events.Last(e => (string)e!["type"]! == to)!["timestamp"]!.GetValue<DateTime>();
        return (end - start).TotalMilliseconds;
    }

    static async Task<string> CreateRepositoryAsync(string root)
    {
        var shell = new Shell(new Dictionary<string, string>());
        var seed = Path.Combine(root, "seed");
        var remote = Path.Combine(root, "remote.git");
        Directory.CreateDirectory(seed);
        (await shell.RunAsync(root, "git", "init", "--quiet", "--bare", "--initial-branch", "main", remote)).EnsureSucceeded();
        (await shell.RunAsync(root, "git", "init", "--quiet", "--initial-branch", "main", seed)).EnsureSucceeded();
        SampleRepository.Write(seed, new Dictionary<string, string>
        {
            ["Makefile"] = "build:\n\t@node --check server.js\n\ntest:\n\t@echo tests passed\n",
            ["server.js"] = Server,
            ["version.txt"] = "0\n",
            ["mode.txt"] = "healthy\n",
            ["builder.yaml"] = Manifest,
        });
        (await shell.RunAsync(seed, "git", "add", "--all")).EnsureSucceeded();
        (await shell.RunAsync(seed, "git", "-c", "user.name=Bench", "-c", "user.email=bench@localhost", "commit", "--quiet", "-m", "Service")).EnsureSucceeded();
        (await shell.RunAsync(seed, "git", "push", "--quiet", remote, "main:main")).EnsureSucceeded();
        return remote;
    }

    /// <summary>Asks the stable address every 20 ms, as a client would, and notes when it failed first and when the previous version answered again.</summary>
    sealed class StableWatch : IDisposable
    {
        readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
        readonly CancellationTokenSource _stop = new();
        readonly Task<double> _recovered;

        public StableWatch(string stable, string previous) => _recovered = WatchAsync(stable, previous);

        async Task<double> WatchAsync(string stable, string previous)
        {
            Stopwatch? failing = null;
            while (!_stop.IsCancellationRequested)
            {
                string? answer;
                try
                {
                    using var response = await _http.GetAsync(stable, _stop.Token);
                    answer = response.IsSuccessStatusCode ? (await response.Content.ReadAsStringAsync()).Trim() : null;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    answer = null;
                }

                if (answer is null)
                    failing ??= Stopwatch.StartNew();
                else if (failing is not null && answer == previous)
                    return failing.Elapsed.TotalMilliseconds;
                await Task.Delay(20);
            }

            return double.NaN;
        }

        public async Task<double> RecoveredAsync() => await _recovered.WaitAsync(TimeSpan.FromMinutes(1));

        public void Dispose()
        {
            _stop.Cancel();
            _http.Dispose();
            _stop.Dispose();
        }
    }
}
