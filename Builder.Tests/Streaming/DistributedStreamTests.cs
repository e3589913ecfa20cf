using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Builder.Tests.Distributed;
using Builder.Tests.Support;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Builder.Tests.Streaming;

/// <summary>
/// Live progress where it is hard: workers in other processes append to Postgres (ids become visible
/// out of order under concurrent commits), the Api follows the store, and the hub runs on the Redis backplane.
/// </summary>
[Collection(DistributedCollection.Name)]
public sealed class DistributedStreamTests
{
    [Fact]
    public async Task Streams_of_runs_appended_by_worker_processes_match_the_store_exactly()
    {
        await using var cluster = await DistributedBuilder.StartAsync(workers: 2);
        var api = cluster.Admin();
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await api.RegisterRepositoryAsync(repository.RemotePath);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        using var http = new HttpClient { BaseAddress = cluster.Api.Url, Timeout = Timeout.InfiniteTimeSpan };

        var hubEvents = new ConcurrentQueue<JsonElement>();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(cluster.Api.Url, "/hubs/features"), HttpTransportType.WebSockets,
                o => o.AccessTokenProvider = () => Task.FromResult<string?>(DistributedBuilder.AdminKey))
            .Build();
        hub.On<JsonElement>("FeatureEvent", hubEvents.Enqueue);
        await hub.StartAsync(timeout.Token);

        var ids = await Task.WhenAll(Enumerable.Range(1, 6).Select(i =>
            api.SubmitAsync(repositoryId, $"Streamed across processes {i}", [BuilderApi.File("value.txt", "42\n", "replace"), BuilderApi.File($"s/{i}.txt", $"{i}\n")])));
        foreach (var id in ids)
            await hub.InvokeAsync("Subscribe", id, timeout.Token);
        var sse = ids.Select(id => LiveReader.ReadSseAsync(http, $"/api/features/{id}/stream?after=1", DistributedBuilder.AdminKey, null, timeout.Token)).ToList();
        var ws = ids.Select(async id =>
        {
            using var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("Authorization", $"Bearer {DistributedBuilder.AdminKey}");
            var url = new UriBuilder(cluster.Api.Url) { Scheme = "ws", Path = $"/api/features/{id}/ws", Query = "after=2" }.Uri;
            await socket.ConnectAsync(url, timeout.Token);
            return await LiveReader.ReadWebSocketAsync(socket, timeout.Token);
        }).ToList();

        for (var i = 0; i < ids.Length; i++)
        {
            var viaSse = await sse[i];
            var viaWs = await ws[i];
            var stored = await api.EventsAsync(ids[i]);
            stored.Last()!["type"]!.GetValue<string>().ShouldBe("feature.completed", cluster.Logs);
            viaSse.Select(e => e.Data).ShouldBe(stored.Where(e => e!["sequence"]!.GetValue<long>() > 1).Select(e => e!.ToJsonString()), $"SSE of {ids[i]}");
            viaWs.ShouldBe(stored.Where(e => e!["sequence"]!.GetValue<long>() > 2).Select(e => e!.ToJsonString()), $"WebSocket of {ids[i]}");

            var last = stored.Last()!["sequence"]!.GetValue<long>();
            await Eventually.True(() => Relayed(ids[i]).Contains(last), $"the hub to relay event {last} of {ids[i]}", TimeSpan.FromSeconds(15));
            var relayed = Relayed(ids[i]);
            relayed.ShouldNotBeEmpty();
            relayed.ShouldBe(Enumerable.Range(0, relayed.Count).Select(n => relayed[0] + n), $"hub events of {ids[i]} once and in order");
            relayed[^1].ShouldBe(last);
        }

        (await http.GetAsync("/alive")).StatusCode.ShouldBe(HttpStatusCode.OK);

        List<long> Relayed(Guid id) => hubEvents.Where(m => m.GetProperty("featureId").GetGuid() == id)
            .Select(m => m.GetProperty("event").GetProperty("sequence").GetInt64()).ToList();
    }
}
