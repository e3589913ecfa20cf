using System.Text.Json.Nodes;
using Builder.Tests.Support;

namespace Builder.Tests.Distributed;

/// <summary>One Api and two worker processes on Postgres, RabbitMQ and Redis.</summary>
public sealed class DistributedCluster : IAsyncLifetime
{
    public DistributedBuilder Builder { get; private set; } = null!;

    public async Task InitializeAsync() => Builder = await DistributedBuilder.StartAsync(workers: 2);

    public async Task DisposeAsync() => await Builder.DisposeAsync();
}

[Collection(DistributedCollection.Name)]
public sealed class DistributedPipelineTests(DistributedCluster cluster) : IClassFixture<DistributedCluster>
{
    readonly BuilderApi _api = cluster.Builder.Admin();

    [Fact]
    public async Task A_feature_with_a_draft_runs_to_Completed_across_processes_and_the_branch_holds_the_draft()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);

        var id = await _api.SubmitAsync(repositoryId, "Distributed answer", [BuilderApi.File("value.txt", "42\n", "replace")]);
        var feature = await WaitForEndAsync(id);

        feature["status"]!.GetValue<string>().ShouldBe("Completed", feature.ToJsonString());
        var branch = feature["branch"]!.GetValue<string>();
        repository.Branches().ShouldContain(branch);
        repository.Show(branch, "value.txt").ShouldBe("42\n");
        var producers = (await _api.EventsAsync(id)).Select(e => (string)e!["producer"]!).Distinct().ToList();
        producers.ShouldContain(p => p.StartsWith("Builder.Api@"));
        producers.ShouldContain(p => p.StartsWith("Builder.Worker@"));
    }

    [Fact]
    public async Task Twenty_features_submitted_at_once_all_end_with_gap_free_ordered_events_and_no_branch_pushed_twice()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);

        var ids = await Task.WhenAll(Enumerable.Range(1, 20).Select(i =>
            _api.SubmitAsync(repositoryId, $"Parallel feature {i}", [BuilderApi.File("value.txt", "42\n", "replace"), BuilderApi.File($"notes/{i}.txt", $"{i}\n")])));
        var features = await Task.WhenAll(ids.Select(id => WaitForEndAsync(id, TimeSpan.FromMinutes(4))));

        features.Select(f => (string)f["status"]!).ShouldAllBe(s => s == "Completed");
        var workers = new HashSet<string>();
        foreach (var id in ids)
        {
            var events = await _api.EventsAsync(id);
            events.Select(e => e!["sequence"]!.GetValue<long>()).ShouldBe(Enumerable.Range(1, events.Count).Select(i => (long)i), $"feature {id}");
            events.Select(e => e!["timestamp"]!.GetValue<DateTime>()).ShouldBeInOrder(SortDirection.Ascending);
            events.Count(e => (string)e!["type"]! == "push.completed").ShouldBe(1);
            foreach (var e in events.Where(e => (string)e!["type"]! == "phase.started"))
                workers.Add((string)e!["producer"]!);
        }

        repository.Branches().Count.ShouldBe(21);
        foreach (var branch in repository.Branches().Where(b => b != "main"))
            repository.RefUpdates(branch).ShouldBe(1, $"{branch} must be pushed exactly once");
        workers.Count.ShouldBe(2, "both worker processes take phase work");
    }

    async Task<JsonNode> WaitForEndAsync(Guid id, TimeSpan? timeout = null)
    {
        try
        {
            return await _api.WaitForEndAsync(id, timeout ?? TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\n{cluster.Builder.Logs}");
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DistributedCollection
{
    public const string Name = "distributed";
}
