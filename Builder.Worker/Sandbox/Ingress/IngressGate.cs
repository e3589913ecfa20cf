using System.Net;
using System.Net.Sockets;

namespace Builder.Worker.Sandbox.Ingress;

/// <summary>
/// Lets the host reach a port a sandboxed service listens on while the service keeps its own empty
/// network namespace: a forwarder inside (socat) accepts on a unix socket in a folder bound into
/// the sandbox and connects to the service's loopback port; on the host, a relay listens on the
/// same loopback port number and passes each connection to that socket. The service can be called,
/// but it cannot call out: nothing else leaves its namespace.
/// </summary>
public sealed class IngressGate : IAsyncDisposable
{
    const string Forwarder = "socat";

    readonly string _folder;
    readonly Socket _listener;
    readonly CancellationTokenSource _stop = new();
    readonly Task _accepting;
    readonly ILogger _logger;

    string SocketPath => Path.Combine(_folder, "service.sock");

    IngressGate(string folder, int port, ILogger logger)
    {
        _folder = folder;
        _logger = logger;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        _listener.Listen(128);
        _accepting = AcceptAsync();
    }

    /// <summary>
    /// A gate for <paramref name="request"/> when it listens on a port without the host's network;
    /// null when it needs none, or (with <paramref name="notice"/>) when it must share the host's network instead.
    /// </summary>
    public static IngressGate? Open(SandboxRequest request, string searchPath, ILogger logger, out string? notice, out SandboxRequest adjusted)
    {
        notice = null;
        adjusted = request;
        if (request.ListenPort is not { } port || request.Network)
            return null;
        if (Executables.Find(Forwarder, searchPath) is null)
        {
            notice = $"the service shares the host's network: socat is not installed (apt-get install socat), so nothing keeps it from calling out";
            adjusted = request with { Network = true };
            return null;
        }

        // Under /tmp, which every command gets fresh: the bind lands in its own tmpfs, not on the host.
        var folder = Path.Combine("/tmp", $"builder-ingress-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var gate = new IngressGate(folder, port, logger);
        var start = $"""
            ({Forwarder} UNIX-LISTEN:{gate.SocketPath},fork,mode=666 TCP:127.0.0.1:{port} </dev/null >/dev/null 2>&1 &)

            """;
        adjusted = request with
        {
            Command = start + request.Command,
            WritableBinds = [.. request.WritableBinds, folder],
        };
        return gate;
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
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException exception)
            {
                _logger.LogDebug(exception, "The service relay stopped accepting");
                return;
            }

            _ = RelayAsync(client);
        }
    }

    async Task RelayAsync(Socket client)
    {
        using (client)
        using (var service = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                // Before the service's forwarder listens the caller sees the connection close, as it
                // would see a refusal from a service that is still starting.
                await service.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), _stop.Token);
                await using var outside = new NetworkStream(client, ownsSocket: false);
                await using var inside = new NetworkStream(service, ownsSocket: false);
                var up = CopyThenHalfCloseAsync(outside, service);
                var down = CopyThenHalfCloseAsync(inside, client);
                await Task.WhenAll(up, down);
            }
            catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException)
            {
                // A caller or the service hung up: nothing to report, the other side sees the close.
            }
        }
    }

    async Task CopyThenHalfCloseAsync(Stream from, Socket to)
    {
        await using var target = new NetworkStream(to, ownsSocket: false);
        await from.CopyToAsync(target, _stop.Token);
        try
        {
            to.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _accepting;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
