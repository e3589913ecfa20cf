using System.Runtime.CompilerServices;
using System.Text;

namespace Builder.Cli.Api;

/// <summary>One Server-Sent Event: id is the run's event sequence, type the event type, data its JSON.</summary>
public sealed record ServerSentEvent(string? Id, string Type, string Data);

public static class ServerSentEvents
{
    /// <summary>Reads events until the server ends the stream; comment lines (keep-alives) are skipped.</summary>
    public static async IAsyncEnumerable<ServerSentEvent> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? id = null, type = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                    yield return new ServerSentEvent(id, type ?? "message", data.ToString());
                id = type = null;
                data.Clear();
                continue;
            }

            if (line.StartsWith(':'))
                continue;
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
                value = value[1..];
            switch (field)
            {
                case "id":
                    id = value;
                    break;
                case "event":
                    type = value;
                    break;
                case "data":
                    if (data.Length > 0)
                        data.Append('\n');
                    data.Append(value);
                    break;
            }
        }
    }
}
