using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;

namespace Builder.Cli.Api;

/// <summary>One Server-Sent Event: id is the run's event sequence, type the event type, data its JSON.</summary>
public sealed record ServerSentEvent(string? Id, string Type, string Data);

public static class ServerSentEvents
{
    /// <summary>The type of the events the server sends to keep a quiet stream open; they carry nothing.</summary>
    const string KeepAlive = "keep-alive";

    /// <summary>Reads events until the server ends the stream; keep-alives are skipped.</summary>
    public static async IAsyncEnumerable<ServerSentEvent> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            if (item.EventType == KeepAlive || item.Data.Length == 0)
                continue;
            yield return new ServerSentEvent(item.EventId, item.EventType, item.Data);
        }
    }
}
