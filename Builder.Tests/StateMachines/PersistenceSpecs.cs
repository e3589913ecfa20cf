using Builder.Core.Events;
using Builder.Core.Persistence;
using Builder.Core.StateMachines;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Builder.Tests.StateMachines;

public sealed class PersistenceSpecs : IAsyncLifetime
{
    SagaHost _host = null!;

    public async Task InitializeAsync() => _host = await SagaHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Concurrent_appends_to_one_feature_get_a_gap_free_strictly_increasing_sequence()
    {
        var events = _host.Services.GetRequiredService<FeatureEventLog>();
        var feature = Guid.NewGuid();

        await Parallel.ForEachAsync(Enumerable.Range(0, 60), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => await events.AppendAsync(feature, Guid.Empty, "test.event", $"event-{i}", new { i }));

        var stored = await events.ReadAsync(feature);
        stored.Select(e => e.Sequence).ShouldBe(Enumerable.Range(1, 60).Select(i => (long)i));
        stored.Select(e => e.Key).Distinct().Count().ShouldBe(60);
    }

    [Fact]
    public async Task Appending_the_same_key_twice_records_one_event()
    {
        var events = _host.Services.GetRequiredService<FeatureEventLog>();
        var feature = Guid.NewGuid();

        var first = await events.AppendAsync(feature, Guid.Empty, "build.completed", "build:1:done");
        var second = await events.AppendAsync(feature, Guid.Empty, "build.completed", "build:1:done");

        second.Sequence.ShouldBe(first.Sequence);
        (await events.ReadAsync(feature)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Two_writers_of_one_saga_cannot_both_win()
    {
        var factory = _host.Services.GetRequiredService<IDbContextFactory<BuilderDbContext>>();
        var id = Guid.NewGuid();
        await using (var db = await factory.CreateDbContextAsync())
        {
            db.FeatureStates.Add(new FeatureState { CorrelationId = id, CurrentState = "Planning" });
            await db.SaveChangesAsync();
        }

        await using var first = await factory.CreateDbContextAsync();
        await using var second = await factory.CreateDbContextAsync();
        var a = await first.FeatureStates.SingleAsync(s => s.CorrelationId == id);
        var b = await second.FeatureStates.SingleAsync(s => s.CorrelationId == id);
        a.CurrentState = "Generating";
        a.Version++;
        b.CurrentState = "Cancelled";
        b.Version++;

        await first.SaveChangesAsync();
        await Should.ThrowAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
    }
}
