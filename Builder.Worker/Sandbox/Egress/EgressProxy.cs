using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Builder.Core.Policy;

namespace Builder.Worker.Sandbox.Egress;

/// <summary>
/// An HTTP proxy for one sandboxed command, on a unix socket that is the command's only way out of
/// its network namespace. It tunnels CONNECT (https) and forwards absolute-URI requests (plain
/// http) to the hosts its <see cref="EgressPolicy"/> allows, and answers 403 to everything else,
/// remembering each refusal so the run can report it.
/// </summary>
public sealed class EgressProxy : IAsyncDisposable
{
    const int MaxHeadBytes = 32 * 1024;
    static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(30);
    static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    readonly Socket _listener;
    readonly EgressPolicy _policy;
    readonly ILogger _logger;
    readonly CancellationTokenSource _stop = new();
    readonly ConcurrentDictionary<EgressDenial, byte> _denied = new();
    readonly ConcurrentDictionary<Task, byte> _connections = new();
    readonly Task _accepting;

    public string SocketPath { get; }

    /// <summary>Every host and port refused so far, each once.</summary>
    public IReadOnlyList<EgressDenial> Denied => _denied.Keys.OrderBy(d => d.Host).ThenBy(d => d.Port).ToList();

    readonly Action<EgressDenial>? _onDenied;

    EgressProxy(string socketPath, EgressPolicy policy, ILogger logger, Action<EgressDenial>? onDenied)
    {
        _onDenied = onDenied;
        SocketPath = socketPath;
        _policy = policy;
        _logger = logger;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen(64);
        _accepting = AcceptAsync();
    }

    /// <summary>Listens on <paramref name="socketPath"/>, readable and writable by anyone who can reach the folder it is in.</summary>
    public static EgressProxy Start(string socketPath, EgressPolicy policy, ILogger logger, Action<EgressDenial>? onDenied = null)
    {
        File.Delete(socketPath);
        var proxy = new EgressProxy(socketPath, policy, logger, onDenied);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(socketPath, (UnixFileMode)0b110_110_110);
        return proxy;
    }

    async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var handling = HandleAsync(client);
            _connections.TryAdd(handling, 0);
            _ = handling.ContinueWith(t => _connections.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    async Task HandleAsync(Socket clientSocket)
    {
        await using var client = new NetworkStream(clientSocket, ownsSocket: true);
        try
        {
            using var headTimeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            headTimeout.CancelAfter(HeadTimeout);
            var (head, remainder) = await ReadHeadAsync(client, headTimeout.Token);
            if (head is null)
                return;

            var request = ProxyRequest.Parse(head);
            if (request is null)
            {
                await RespondAsync(client, "400 Bad Request", "Builder's egress proxy takes CONNECT host:port or an absolute http:// URL.");
                return;
            }

            if (!_policy.Allows(request.Host, request.Port))
            {
                var denial = new EgressDenial(request.Host, request.Port);
                if (_denied.TryAdd(denial, 0))
                {
                    _logger.LogInformation("Egress refused: {Host}:{Port}", request.Host, request.Port);
                    _onDenied?.Invoke(denial);
                }

                await RespondAsync(client, "403 Forbidden",
                    $"Builder's egress policy does not allow {request.Host}:{request.Port}; a repository admin can add it to settings.egress.");
                return;
            }

            using var upstream = new TcpClient();
            using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                connectTimeout.CancelAfter(ConnectTimeout);
                try
                {
                    await upstream.ConnectAsync(request.Host, request.Port, connectTimeout.Token);
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException && !_stop.IsCancellationRequested)
                {
                    await RespondAsync(client, "502 Bad Gateway", $"{request.Host}:{request.Port} could not be reached: {ex.Message}");
                    return;
                }
            }

            var server = upstream.GetStream();
            if (request.IsTunnel)
                await client.WriteAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), _stop.Token);
            else
                await server.WriteAsync(Encoding.Latin1.GetBytes(request.ForwardedHead), _stop.Token);
            if (remainder.Length > 0)
                await server.WriteAsync(remainder, _stop.Token);

            if (request.IsTunnel)
            {
                await Task.WhenAll(PumpAsync(client, server, upstream.Client), PumpAsync(server, client, clientSocket));
                return;
            }

            // One request per connection: once the response has ended, so has the connection.
            var body = PumpAsync(client, server, upstream.Client);
            await PumpAsync(server, client, clientSocket);
            clientSocket.Close();
            await body;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A client that went away, or the proxy stopping with the command: nothing to report.
        }
    }

    /// <summary>Copies until the source ends, then passes the end on so the other side sees it too.</summary>
    async Task PumpAsync(Stream from, Stream to, Socket toSocket)
    {
        try
        {
            await from.CopyToAsync(to, _stop.Token);
            toSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            toSocket.Close();
        }
    }

    static async Task<(string? Head, byte[] Remainder)> ReadHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxHeadBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
                return (null, []);
            length += read;
            var end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
                return (Encoding.Latin1.GetString(buffer, 0, end + 4), buffer[(end + 4)..length]);
        }

        return (null, []);
    }

    static Task RespondAsync(Stream client, string status, string message)
    {
        var body = Encoding.UTF8.GetBytes(message + "\n");
        var head = $"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        return client.WriteAsync(Encoding.Latin1.GetBytes(head).Concat(body).ToArray()).AsTask();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting;
        await Task.WhenAll(_connections.Keys);
        _stop.Dispose();
        File.Delete(SocketPath);
    }
}

/// <summary>A connection the egress proxy refused.</summary>
public sealed record EgressDenial(string Host, int Port);
