using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Builder.Tests.Distributed;
using Builder.Tests.Support;
using Xunit.Abstractions;

namespace Builder.Tests.Chaos;

/// <summary>
/// The distributed topology (an Api and two workers on the test servers) under a steady load of runs,
/// with faults at seeded moments: a worker SIGKILLed and restarted, RabbitMQ's application restarted,
/// PostgreSQL restarted, Redis dropped for a while, the Api SIGKILLed and restarted. Afterwards the
/// invariants Builder promises are checked and the report written to artifacts/chaos/. Run on its own
/// (./test.sh runs it after the other tests; ./test.sh --chaos runs only it), since it restarts the
/// servers every test shares. Sizes and seed: BUILDER_CHAOS_RUNS, BUILDER_CHAOS_FAULTS, BUILDER_CHAOS_SEED.
/// </summary>
[Trait("Category", "Chaos")]
[Collection(DistributedCollection.Name)]
public sealed class ChaosTests(ITestOutputHelper output)
{
    static readonly TimeSpan StalledAfter = TimeSpan.FromSeconds(20);
    static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(2);
    static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(400);
    static readonly string[] Phases = ["plan", "generate", "build", "verify", "deliver", "deploy", "healthcheck"];

    [Fact]
    public async Task Under_load_and_faults_every_run_ends_once_with_its_events_whole_and_nothing_left_behind()
    {
        var plan = ChaosPlan.FromEnvironment();
        output.WriteLine($"chaos: seed {plan.Seed}, {plan.Runs} runs, faults {string.Join(", ", plan.Faults.Select(f => $"{f.Kind} after run {f.AfterRun}"))}");
        await using var cluster = await DistributedBuilder.StartAsync(plan.Workers, new Dictionary<string, string>
        {
            ["Builder__Recovery__StalledAfter"] = StalledAfter.ToString(),
            ["Builder__Recovery__SweepInterval"] = SweepInterval.ToString(),
        });
        using var repository = TestRepository.CreateMakeProject(build: "@sleep 1; echo build ok");
        var repositoryId = await cluster.Admin().RegisterRepositoryAsync(repository.RemotePath);

        var started = DateTime.UtcNow;
        var ids = new List<Guid>();
        var injected = new List<(PlannedFault Fault, DateTime At, double InjectMs, string Detail)>();
        try
        {
            for (var run = 1; run <= plan.Runs; run++)
            {
                ids.Add(await SubmitAsync(cluster, repositoryId, plan.Seed, run));
                foreach (var fault in plan.Faults.Where(f => f.AfterRun == run))
                    injected.Add(await InjectAsync(cluster, fault));
                await Task.Delay(Pace);
            }

            var features = await WaitForAllAsync(cluster, ids, TimeSpan.FromMinutes(5 + plan.Runs / 10.0));
            var events = new Dictionary<Guid, JsonArray>();
            foreach (var id in ids)
                events[id] = await cluster.Admin().EventsAsync(id);

            var invariants = new List<InvariantOutcome>
            {
                Check("every run reached a terminal state", ids.Where(id => !BuilderApi.TerminalStatuses.Contains((string?)features[id]["status"]))
                    .Select(id => $"{id} is {features[id]["status"]}")),
                Check("every run completed", ids.Where(id => (string?)features[id]["status"] != "Completed")
                    .Select(id => $"{id} ended {features[id]["status"]}: {features[id]["error"]?.ToJsonString()}")),
                Check("events per run gap-free and in order", ids.Where(id => !events[id].Select(e => e!["sequence"]!.GetValue<long>())
                    .SequenceEqual(Enumerable.Range(1, events[id].Count).Select(i => (long)i))).Select(id => $"{id}: sequences are not 1..{events[id].Count}")),
                Check("each phase started and ended once", ids.SelectMany(id => Phases.Where(phase =>
                        events[id].Count(e => (string?)e!["type"] == "phase.started" && (string?)e["phase"] == phase) != 1
                        || events[id].Count(e => (string?)e!["type"] is "phase.completed" or "phase.skipped" && (string?)e["phase"] == phase) != 1)
                    .Select(phase => $"{id}: {phase}"))),
                Check("no duplicate push", ids.Where(id => (string?)features[id]["status"] == "Completed")
                    .Where(id => repository.RefUpdates((string)features[id]["branch"]!) != 1 || events[id].Count(e => (string?)e!["type"] == "push.completed") != 1)
                    .Select(id => $"{id}: {repository.RefUpdates((string)features[id]["branch"]!)} updates of its branch")),
                Check("no duplicate deploy", ids.Where(id => events[id].Count(e => (string?)e!["type"] == "deploy.completed") > 1).Select(id => $"{id} deployed twice")),
                Check($"no run stalled past the recovery lease ({StalledAfter.TotalSeconds:0} s + a sweep)", ids.SelectMany(id => Stalls(events[id]).Select(gap => $"{id}: {gap}"))),
                await EventuallyCheckAsync("no orphaned workspace", () => OrphanedWorkspaces(cluster, ids)),
                await EventuallyCheckAsync("no orphaned sandbox process", () => ServerFaults.ProcessesUnder(cluster.Root,
                    cluster.Workers.Select(w => w.Pid).Append(cluster.Api.Pid).ToHashSet())),
            };

            var report = new ChaosReport(plan.Seed, plan.Runs, plan.Workers, started, (DateTime.UtcNow - started).TotalSeconds,
                ids.GroupBy(id => (string)features[id]["status"]!).ToDictionary(g => g.Key, g => g.Count()),
                injected.Select(i => Outcome(i.Fault, i.At, i.InjectMs, i.Detail, ids, features)).ToList(), invariants, Machine());
            var path = report.Write(Path.Combine(ArtifactsFolder(), "chaos"));
            output.WriteLine(report.Summary());
            output.WriteLine($"chaos: report written to {path}");
            invariants.Where(i => !i.Held).ShouldBeEmpty(report.Summary());
        }
        catch
        {
            output.WriteLine(cluster.Logs);
            throw;
        }
    }

    /// <summary>Submits one run, retrying through a fault (the Api down or its database restarting) with the same idempotency key: never twice.</summary>
    static async Task<Guid> SubmitAsync(DistributedBuilder cluster, Guid repositoryId, int seed, int run)
    {
        var key = $"chaos-{seed}-{run}";
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            try
            {
                var api = cluster.Admin();
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/features")
                {
                    Content = JsonContent.Create(new
                    {
                        repositoryId, title = $"Chaos run {run}", description = "A trivial change under faults.", approvalMode = "auto", testsRequired = false,
                        draft = new { files = new[] { BuilderApi.File("value.txt", "42\n", "replace"), BuilderApi.File($"chaos/{run}.txt", $"{run}\n") } },
                    }),
                };
                request.Headers.Add("Idempotency-Key", key);
                using var response = await api.Http.SendAsync(request);
                if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK or HttpStatusCode.Created)
                    return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<Guid>();
                if ((int)response.StatusCode < 500 || DateTime.UtcNow > deadline)
                    throw new InvalidOperationException($"submitting run {run} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            await Task.Delay(250);
        }
    }

    static async Task<(PlannedFault, DateTime, double, string)> InjectAsync(DistributedBuilder cluster, PlannedFault fault)
    {
        var at = DateTime.UtcNow;
        var watch = Stopwatch.StartNew();
        var detail = fault.Kind switch
        {
            FaultKind.WorkerKilled => $"SIGKILL to {cluster.Workers[fault.Worker].Name} (pid {cluster.Workers[fault.Worker].Pid}), restarted on its data folder",
            FaultKind.RabbitMqRestarted => "rabbitmqctl stop_app, 2 s, start_app",
            FaultKind.PostgresRestarted => "pg_ctl restart -m fast",
            FaultKind.RedisDropped => "redis-server killed, 3 s without it, started again",
            _ => $"SIGKILL to the Api (pid {cluster.Api.Pid}), started again",
        };
        switch (fault.Kind)
        {
            case FaultKind.WorkerKilled:
                await cluster.RestartWorkerAsync(fault.Worker, TimeSpan.FromSeconds(1));
                break;
            case FaultKind.RabbitMqRestarted:
                await ServerFaults.RestartRabbitMqAsync(TimeSpan.FromSeconds(2));
                break;
            case FaultKind.PostgresRestarted:
                await ServerFaults.RestartPostgresAsync();
                break;
            case FaultKind.RedisDropped:
                await ServerFaults.DropRedisAsync(TimeSpan.FromSeconds(3));
                break;
            case FaultKind.ApiKilled:
                await cluster.RestartApiAsync(TimeSpan.FromSeconds(1));
                break;
        }

        return (fault, at, watch.Elapsed.TotalMilliseconds, detail);
    }

    static async Task<Dictionary<Guid, JsonNode>> WaitForAllAsync(DistributedBuilder cluster, List<Guid> ids, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var features = new Dictionary<Guid, JsonNode>();
        while (true)
        {
            try
            {
                foreach (var id in ids.Where(id => !features.TryGetValue(id, out var f) || !BuilderApi.TerminalStatuses.Contains((string?)f["status"])))
                    features[id] = await cluster.Admin().FeatureAsync(id);
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            if (features.Count == ids.Count && features.Values.All(f => BuilderApi.TerminalStatuses.Contains((string?)f["status"])) || DateTime.UtcNow > deadline)
                return features;
            await Task.Delay(500);
        }
    }

    static FaultOutcome Outcome(PlannedFault fault, DateTime at, double injectMs, string detail, List<Guid> ids, Dictionary<Guid, JsonNode> features)
    {
        static DateTime Ended(JsonNode f) => f["updatedAt"]!.GetValue<DateTime>();
        var affected = ids.Select(id => features[id]).Where(f => f["createdAt"]!.GetValue<DateTime>() < at && Ended(f) > at).ToList();
        var back = at.AddMilliseconds(injectMs);
        var next = ids.Select(id => features[id]).Where(f => (string?)f["status"] == "Completed" && Ended(f) > back).Select(Ended).DefaultIfEmpty().Min();
        return new FaultOutcome(fault.Kind, fault.AfterRun, at, Math.Round(injectMs), affected.Count, affected.Count(f => (string?)f["status"] == "Completed"),
            next == default ? null : Math.Round((next - at).TotalMilliseconds), detail);
    }

    /// <summary>Gaps between a run's consecutive events longer than the lease and a sweep: the run sat still and nothing resumed it.</summary>
    static IEnumerable<string> Stalls(JsonArray events)
    {
        var limit = StalledAfter + SweepInterval * 2 + TimeSpan.FromSeconds(10);
        var times = events.Select(e => e!["timestamp"]!.GetValue<DateTime>()).ToList();
        for (var i = 1; i < times.Count; i++)
            if (times[i] - times[i - 1] > limit)
                yield return $"no event for {(times[i] - times[i - 1]).TotalSeconds:0} s after event {i}";
    }

    static IReadOnlyList<string> OrphanedWorkspaces(DistributedBuilder cluster, List<Guid> ids)
    {
        var names = ids.Select(id => id.ToString("N")).ToHashSet();
        return Directory.Exists(cluster.Root)
            ? Directory.EnumerateDirectories(cluster.Root).Select(worker => Path.Combine(worker, "workspaces")).Where(Directory.Exists)
                .SelectMany(Directory.EnumerateDirectories).Where(d => Path.GetFileName(d) is { Length: >= 32 } n && names.Contains(n[..32])).ToList()
            : [];
    }

    static InvariantOutcome Check(string name, IEnumerable<string> violations)
    {
        var list = violations.ToList();
        return new InvariantOutcome(name, list.Count == 0, list);
    }

    /// <summary>Clean-up is the workers' sweep, a few seconds behind the runs' end: the invariant holds once it has had its chance.</summary>
    static async Task<InvariantOutcome> EventuallyCheckAsync(string name, Func<IReadOnlyList<string>> violations)
    {
        var deadline = DateTime.UtcNow + SweepInterval * 5 + TimeSpan.FromSeconds(10);
        IReadOnlyList<string> found;
        while ((found = violations()).Count > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(500);
        return new InvariantOutcome(name, found.Count == 0, found);
    }

    static string ArtifactsFolder()
    {
        var folder = AppContext.BaseDirectory;
        while (folder is not null && !File.Exists(Path.Combine(folder, "Builder.sln")))
            folder = Path.GetDirectoryName(folder);
        return Path.Combine(folder ?? AppContext.BaseDirectory, "artifacts");
    }

    static string Machine() => $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024 * 1024.0):0.#} GB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
}
