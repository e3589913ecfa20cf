using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Builder.Tests.Agents;
using Builder.Tests.Support;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Builder.Tests.Streaming;

/// <summary>The SignalR hub: a run's events to its subscribers, state changes to the tenant's board, nothing across tenants.</summary>
public sealed class HubTests(EmbeddedBuilder builder) : IClassFixture<EmbeddedBuilder>
{
    readonly BuilderApi _api = builder.Admin();

    [Fact]
    public async Task A_subscriber_gets_the_runs_events_in_order_without_gaps_and_the_board_gets_its_changes()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        var id = await _api.SubmitAsync(repositoryId, "Hub watched", [BuilderApi.File("value.txt", "42\n", "replace")], approvalMode: "final");
        await _api.WaitForStatusAsync(id, "AwaitingApproval");

        var events = new ConcurrentQueue<JsonElement>();
        var changes = new ConcurrentQueue<JsonElement>();
        var ended = new TaskCompletionSource();
        await using var connection = Connect(EmbeddedBuilder.AdminKey);
        connection.On<JsonElement>("FeatureEvent", m =>
        {
            events.Enqueue(m);
            if (m.GetProperty("event").GetProperty("type").GetString() == "feature.completed")
                ended.TrySetResult();
        });
        connection.On<JsonElement>("FeatureChanged", changes.Enqueue);
        await connection.StartAsync();
        await connection.InvokeAsync("Subscribe", id);
        await connection.InvokeAsync("SubscribeBoard");

        (await _api.ActAsync(id, "approve")).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await ended.Task.WaitAsync(TimeSpan.FromSeconds(90));

        var received = events.Select(m => m.GetProperty("event")).ToList();
        events.ShouldAllBe(m => m.GetProperty("featureId").GetGuid() == id);
        var first = received[0].GetProperty("sequence").GetInt64();
        received.Select(e => e.GetProperty("sequence").GetInt64()).ShouldBe(Enumerable.Range(0, received.Count).Select(i => first + i),
            "every event once, in sequence order");
        var stored = await _api.EventsAsync(id, after: first - 1);
        received.Select(e => e.GetProperty("type").GetString()).ShouldBe(stored.Select(e => (string?)e!["type"]).Take(received.Count));

        // FeatureChanged travels separately from FeatureEvent: give the board's message a moment to arrive.
        await Eventually.True(() => changes.Any(c => c.GetProperty("featureId").GetGuid() == id && c.GetProperty("type").GetString() == "feature.completed"),
            "the board's feature.completed message", TimeSpan.FromSeconds(15));
        changes.ShouldContain(c => c.GetProperty("featureId").GetGuid() == id && c.GetProperty("type").GetString() == "feature.completed");
        changes.ShouldNotContain(c => c.GetProperty("type").GetString() == "log", "log lines are for a run's subscribers, not the board");
    }

    [Fact]
    public async Task Subscribing_to_another_tenants_feature_fails_and_a_connection_needs_a_key()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        var id = await _api.SubmitAsync(repositoryId, "Not yours", [BuilderApi.File("value.txt", "42\n", "replace")]);
        var other = await builder.OtherTenantAsync();

        await using var connection = Connect(other.Http.DefaultRequestHeaders.Authorization!.Parameter!);
        await connection.StartAsync();
        var refused = await Should.ThrowAsync<HubException>(() => connection.InvokeAsync("Subscribe", id));
        refused.Message.ShouldContain($"No feature {id}");

        await using var anonymous = Connect(null);
        var unauthorized = await Should.ThrowAsync<HttpRequestException>(() => anonymous.StartAsync());
        unauthorized.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await _api.WaitForEndAsync(id);
    }

    HubConnection Connect(string? key) => new HubConnectionBuilder()
        .WithUrl(new Uri(builder.Server.BaseAddress, "/hubs/features"), HttpTransportType.LongPolling, o =>
        {
            o.HttpMessageHandlerFactory = _ => builder.Server.CreateHandler();
            if (key is not null)
                o.AccessTokenProvider = () => Task.FromResult<string?>(key);
        })
        .Build();
}
