using Builder.Tests.Support;

namespace Builder.Tests.Distributed;

[Collection(DistributedCollection.Name)]
public sealed class WorkerCrashTests
{
    [Fact]
    public async Task A_worker_killed_during_Build_is_replaced_and_every_feature_finishes_with_no_event_lost_or_duplicated()
    {
        await using var cluster = await DistributedBuilder.StartAsync(workers: 1);
        var api = cluster.Admin();
        using var repository = TestRepository.CreateMakeProject(build: "@sleep 3; echo build ok");
        var repositoryId = await api.RegisterRepositoryAsync(repository.RemotePath);

        var ids = await Task.WhenAll(Enumerable.Range(1, 4).Select(i =>
            api.SubmitAsync(repositoryId, $"Survives a crash {i}", [BuilderApi.File("value.txt", "42\n", "replace"), BuilderApi.File($"crash/{i}.txt", $"{i}\n")])));

        // Crash while at least two builds run (the build phase has started and not ended).
        await Eventually.Until(async () => (await Task.WhenAll(ids.Select(api.FeatureAsync)))
                .Count(f => f["phases"]!.AsArray().Any(p => (string)p!["name"]! == "build" && (string)p["status"]! == "running")),
            building => building >= 2, "two builds running at once", TimeSpan.FromMinutes(2));

        cluster.Workers[0].Crash();
        var replacement = cluster.AddWorker();
        await replacement.WaitHealthyAsync();

        foreach (var id in ids)
        {
            var feature = await api.WaitForEndAsync(id, TimeSpan.FromMinutes(3));
            feature["status"]!.GetValue<string>().ShouldBe("Completed", $"{feature.ToJsonString()}\n{cluster.Logs}");

            var events = await api.EventsAsync(id);
            events.Select(e => e!["sequence"]!.GetValue<long>()).ShouldBe(Enumerable.Range(1, events.Count).Select(i => (long)i));
            var types = events.Select(e => (string)e!["type"]!).ToList();
            foreach (var phase in new[] { "plan", "generate", "build", "verify", "deliver", "deploy", "healthcheck" })
            {
                events.Count(e => (string)e!["type"]! == "phase.started" && (string)e["phase"]! == phase).ShouldBe(1, $"{phase} started once");
                events.Count(e => (string)e!["type"]! is "phase.completed" or "phase.skipped" && (string)e["phase"]! == phase).ShouldBe(1, $"{phase} ended once");
            }

            types.Count(t => t == "build.completed").ShouldBe(1);
            types.Count(t => t == "push.completed").ShouldBe(1);
            types.Count(t => t == "feature.completed").ShouldBe(1);
            repository.RefUpdates((string)feature["branch"]!).ShouldBe(1);
        }
    }

    [Fact]
    public async Task A_worker_stopped_with_SIGTERM_during_Build_exits_promptly_and_another_worker_finishes_the_run()
    {
        await using var cluster = await DistributedBuilder.StartAsync(workers: 2);
        var api = cluster.Admin();
        using var repository = TestRepository.CreateMakeProject(build: "@sleep 15; echo build ok");
        var repositoryId = await api.RegisterRepositoryAsync(repository.RemotePath);
        var id = await api.SubmitAsync(repositoryId, "Survives a stopped worker", [BuilderApi.File("value.txt", "42\n", "replace")]);

        var producer = await Eventually.Until<string?>(async () => (await api.EventsAsync(id))
                .FirstOrDefault(e => (string)e!["type"]! == "phase.started" && (string)e["phase"]! == "build")?["producer"]?.GetValue<string>(),
            p => p is not null, "the build started", TimeSpan.FromMinutes(2));
        var building = cluster.Workers.Single(w => producer!.EndsWith($":{w.Pid}", StringComparison.Ordinal));

        // A supervisor (the AppHost's Stop, systemd, Kubernetes) waits a while, then kills: the worker must go within that.
        (await building.TerminateAsync(TimeSpan.FromSeconds(15))).ShouldBeTrue($"the worker did not exit within 15 s of SIGTERM\n{building.RecentLog}");

        var feature = await api.WaitForEndAsync(id, TimeSpan.FromMinutes(3));
        feature["status"]!.GetValue<string>().ShouldBe("Completed", $"{feature.ToJsonString()}\n{cluster.Logs}");
        var events = await api.EventsAsync(id);
        events.Single(e => (string)e!["type"]! == "phase.completed" && (string)e["phase"]! == "build")!["producer"]!.GetValue<string>()
            .ShouldNotBe(producer);
        events.Count(e => (string)e!["type"]! == "build.completed").ShouldBe(1);
        repository.RefUpdates((string)feature["branch"]!).ShouldBe(1);
    }
}
