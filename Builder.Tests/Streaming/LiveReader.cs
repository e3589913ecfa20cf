using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Builder.Api.Streaming;

namespace Builder.Tests.Streaming;

public sealed record SseEvent(string Id, string Type, string Data);

/// <summary>Reads a live stream to its end, the way a client program would: SSE lines, or WebSocket messages until the close.</summary>
public static class LiveReader
{
    public static async Task<List<SseEvent>> ReadSseAsync(HttpClient client, string url, string key, long? lastEventId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (lastEventId is { } last)
            request.Headers.Add("Last-Event-ID", last.ToString());
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        var events = new List<SseEvent>();
        await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync(cancellationToken)).EnumerateAsync(cancellationToken))
        {
            if (item.EventType == StreamApi.KeepAliveType)
                continue;
            events.Add(new SseEvent(item.EventId!, item.EventType, JsonNode.Parse(item.Data)!.ToJsonString()));
        }

        return events;
    }

    /// <summary>Every text message until the server closes normally, each re-serialized for comparison.</summary>
    public static async Task<List<string>> ReadWebSocketAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var messages = new List<string>();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, cancellationToken);
                message.Write(buffer, 0, result.Count);
            } while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                socket.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
                return messages;
            }

            messages.Add(JsonNode.Parse(Encoding.UTF8.GetString(message.ToArray()))!.ToJsonString());
        }
    }
}
