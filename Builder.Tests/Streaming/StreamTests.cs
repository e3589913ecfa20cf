using System.Net;
using System.Text.Json.Nodes;
using Builder.Tests.Support;

namespace Builder.Tests.Streaming;

/// <summary>Live progress over Server-Sent Events and WebSocket, resumed from a sequence number across the backlog/live boundary.</summary>
public sealed class StreamTests(EmbeddedBuilder builder) : IClassFixture<EmbeddedBuilder>
{
    readonly BuilderApi _api = builder.Admin();

    [Fact]
    public async Task SSE_and_WebSocket_resumed_from_a_sequence_deliver_every_later_event_once_and_in_order()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        var id = await _api.SubmitAsync(repositoryId, "Streamed", [BuilderApi.File("value.txt", "42\n", "replace")], approvalMode: "final");
        await _api.WaitForStatusAsync(id, "AwaitingApproval");
        var before = await _api.EventsAsync(id);
        before.Count.ShouldBeGreaterThan(6);

        // Resume points inside the backlog; the rest of the run arrives live after the approval.
        const long after = 3;
        var midway = before[5]!["sequence"]!.GetValue<long>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var sse = ReadSseAsync($"/api/features/{id}/stream?after={after}", null, timeout.Token);
        var sseByHeader = ReadSseAsync($"/api/features/{id}/stream?after=1", midway, timeout.Token);
        var ws = ReadWebSocketAsync($"/api/features/{id}/ws?after={after}", timeout.Token);
        (await _api.ActAsync(id, "approve")).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var viaSse = await sse;
        var viaHeader = await sseByHeader;
        var viaWs = await ws;
        var all = await _api.EventsAsync(id);
        all.Last()!["type"]!.GetValue<string>().ShouldBe("feature.completed");
        var expected = all.Where(e => e!["sequence"]!.GetValue<long>() > after).Select(e => e!.ToJsonString()).ToList();
        expected.Count.ShouldBeGreaterThan(before.Count - (int)after, "some events must have come live");

        viaSse.Select(e => e.Data).ShouldBe(expected);
        viaSse.Select(e => e.Id).ShouldBe(expected.Select(e => JsonNode.Parse(e)!["sequence"]!.GetValue<long>().ToString()));
        viaSse.Select(e => e.Type).ShouldBe(expected.Select(e => JsonNode.Parse(e)!["type"]!.GetValue<string>()));
        viaHeader.Select(e => e.Data).ShouldBe(all.Where(e => e!["sequence"]!.GetValue<long>() > midway).Select(e => e!.ToJsonString()),
            "Last-Event-ID wins over ?after");
        viaWs.ShouldBe(expected);

        // Resuming at the terminal event has nothing more to send: the stream ends at once.
        var last = all.Last()!["sequence"]!.GetValue<long>();
        (await ReadSseAsync($"/api/features/{id}/stream?after={last}", null, timeout.Token)).ShouldBeEmpty();
        (await ReadWebSocketAsync($"/api/features/{id}/ws?after={last}", timeout.Token)).ShouldBeEmpty();

        // Browsers' EventSource cannot send headers: a live stream also takes the key as access_token (other endpoints do not).
        using var browser = builder.CreateClient();
        var viaQuery = await browser.GetAsync($"/api/features/{id}/stream?after={last}&access_token={EmbeddedBuilder.AdminKey}", timeout.Token);
        viaQuery.StatusCode.ShouldBe(HttpStatusCode.OK);
        // Nothing but the opening keep-alive: no event after the terminal one.
        (await viaQuery.Content.ReadAsStringAsync(timeout.Token)).Split('\n').ShouldNotContain(line => line.StartsWith("id:"));
        (await browser.GetAsync($"/api/features/{id}/events?access_token={EmbeddedBuilder.AdminKey}", timeout.Token)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Streams_of_an_unknown_or_foreign_feature_are_404_and_need_a_key()
    {
        var unknown = await _api.Http.GetAsync($"/api/features/{Guid.NewGuid()}/stream");
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await builder.CreateClient().GetAsync($"/api/features/{Guid.NewGuid()}/stream")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _api.Http.GetAsync($"/api/features/{Guid.NewGuid()}/ws")).StatusCode.ShouldBe(HttpStatusCode.BadRequest, "a plain GET is not a WebSocket");
    }

    async Task<List<SseEvent>> ReadSseAsync(string url, long? lastEventId, CancellationToken cancellationToken)
    {
        using var client = builder.CreateClient();
        client.Timeout = Timeout.InfiniteTimeSpan;
        return await LiveReader.ReadSseAsync(client, url, EmbeddedBuilder.AdminKey, lastEventId, cancellationToken);
    }

    async Task<List<string>> ReadWebSocketAsync(string url, CancellationToken cancellationToken)
    {
        var client = builder.Server.CreateWebSocketClient();
        client.ConfigureRequest = r => r.Headers.Authorization = $"Bearer {EmbeddedBuilder.AdminKey}";
        using var socket = await client.ConnectAsync(new Uri(builder.Server.BaseAddress, url), cancellationToken);
        return await LiveReader.ReadWebSocketAsync(socket, cancellationToken);
    }
}
