using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Builder.Tests.Support;

/// <summary>A host-side HTTP server that answers every request with one text and remembers the request lines.</summary>
public sealed class LoopbackHttpHost : IDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly List<string> _requests = [];
    readonly string _answer;

    public LoopbackHttpHost(string answer)
    {
        _answer = answer;
        _listener.Start();
        _ = ServeAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
                return _requests.ToList();
        }
    }

    async Task ServeAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync();
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                return;
            }

            using (client)
            {
                var stream = client.GetStream();
                var reader = new StreamReader(stream, Encoding.ASCII);
                var requestLine = await reader.ReadLineAsync();
                while (await reader.ReadLineAsync() is { Length: > 0 })
                {
                }

                lock (_requests)
                    _requests.Add(requestLine ?? "");
                var body = Encoding.UTF8.GetBytes(_answer);
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
                await stream.WriteAsync(body);
            }
        }
    }

    public void Dispose() => _listener.Stop();
}
