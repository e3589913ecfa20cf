using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Builder.Tests.Deployment;
using Builder.Tests.Support;

namespace Builder.Tests.Distributed;

/// <summary>A rollback survives the worker carrying it out: versions on Kubernetes outlive workers, and the rollback message is redelivered.</summary>
[Collection(DistributedCollection.Name)]
public sealed class RollbackCrashTests
{
    [Fact]
    public async Task A_worker_killed_mid_rollback_is_replaced_and_the_new_worker_finishes_it_with_one_routing_switch()
    {
        var engine = new ContainerEngine();
        await engine.InitializeAsync();
        try
        {
            await RollBackThroughACrashAsync(engine);
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    static async Task RollBackThroughACrashAsync(ContainerEngine engine)
    {
        await using var standIn = await KubernetesStandIn.StartAsync(engine.Client);
        var settings = engine.Settings.ToDictionary(s => s.Key.Replace(":", "__"), s => s.Value!);
        settings["Builder__Deploy__Kubernetes__Server"] = standIn.Server;
        settings["Builder__Deploy__Kubernetes__Token"] = KubernetesStandIn.Token;
        settings["Builder__Deploy__Kubernetes__Namespace"] = "crash";
        await using var cluster = await DistributedBuilder.StartAsync(workers: 1, settings);
        var api = cluster.Admin();

        var name = $"rbc-{Guid.NewGuid():N}"[..20];
        using var repository = NodeService.Repository(KubernetesCluster.Manifest(name));
        var repositoryId = await api.RegisterRepositoryAsync(repository.RemotePath);
        Guid secondId = default;
        foreach (var version in new[] { "1", "2" })
        {
            secondId = await api.SubmitAsync(repositoryId, $"Version {version}", [BuilderApi.File("version.txt", version + "\n", "replace")]);
            var deployed = await api.WaitForEndAsync(secondId, TimeSpan.FromMinutes(4));
            deployed["status"]!.GetValue<string>().ShouldBe("Completed", $"{deployed.ToJsonString()}\n{cluster.Logs}");
        }

        var stable = JsonNode.Parse(await api.Http.GetStringAsync($"/api/services/{name}"))!["stableUrl"]!.GetValue<string>();
        (await KubernetesCluster.GetAsync(stable)).Body.ShouldStartWith("version 2 in ");

        // The worker switches the route back to version 1, then dies while it deletes version 2.
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dropped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        standIn.BeforeDelete = what => what == $"deployments/{name}-v2" && holding.TrySetResult() ? dropped.Task : Task.FromResult(true);
        var rollback = await api.Http.PostAsJsonAsync($"/api/services/{name}/rollback", new { reason = "version 2 is slower" });
        rollback.StatusCode.ShouldBe(HttpStatusCode.Accepted, await rollback.Content.ReadAsStringAsync());
        await holding.Task.WaitAsync(TimeSpan.FromMinutes(2));
        standIn.Switches.Where(s => s.Service == name).Select(s => s.Version).ShouldBe(["2", "1"], "the route was switched before the crash");

        cluster.Workers[0].Crash();
        dropped.SetResult(false);
        var replacement = cluster.AddWorker();
        await replacement.WaitHealthyAsync();

        // The registry marked version 2 before the crash; the rollback is done when its last step is recorded.
        var events = await Eventually.Until(() => api.EventsAsync(secondId), e => e.Any(x => (string)x!["type"]! == "rollback.completed"),
            "the new worker finishes the rollback", TimeSpan.FromMinutes(2));
        var states = JsonNode.Parse(await api.Http.GetStringAsync($"/api/services/{name}/versions"))!.AsArray()
            .ToDictionary(v => v!["number"]!.GetValue<int>(), v => (string)v!["state"]!);
        states[2].ShouldBe("rolled-back");
        states[1].ShouldBe("live");
        (await KubernetesCluster.GetAsync(stable)).Body.ShouldStartWith("version 1 in ");
        standIn.Switches.Where(s => s.Service == name).Select(s => s.Version).ShouldBe(["2", "1"], "the redelivered rollback found the route already switched");
        standIn.Deployments.ShouldBe([$"{name}-v1"]);
        events.Count(e => (string)e!["type"]! == "rollback.completed").ShouldBe(1, cluster.Logs);
        events.Single(e => (string)e!["type"]! == "rollback.completed")!["producer"]!.GetValue<string>().ShouldEndWith($":{replacement.Pid}");
        events.Count(e => (string)e!["type"]! == "rollback.started").ShouldBe(1);
    }
}
