namespace Builder.Worker.Sandbox.Egress;

/// <summary>
/// Gives one sandboxed command a network that leads only to Builder's egress proxy: the command
/// keeps its own empty network namespace, and a forwarder inside it (socat, on 127.0.0.1:3128)
/// passes each connection to the proxy's unix socket, bound into the sandbox. The package
/// managers find the proxy through HTTP(S)_PROXY; anything that ignores those reaches nothing.
/// </summary>
public sealed class EgressGate : IAsyncDisposable
{
    public const int ListenPort = 3128;
    const string Forwarder = "socat";

    readonly string _folder;
    readonly EgressProxy _proxy;

    EgressGate(string folder, EgressProxy proxy)
    {
        _folder = folder;
        _proxy = proxy;
    }

    public IReadOnlyList<EgressDenial> Denied => _proxy.Denied;

    /// <summary>
    /// A gate for <paramref name="request"/> when it asks for filtered network, else null with, in
    /// <paramref name="notice"/>, why its network stays open or closed as it was asked.
    /// </summary>
    public static EgressGate? Open(SandboxRequest request, string searchPath, ILogger logger, out string? notice)
    {
        notice = null;
        if (!request.Network || request.Egress is not { } policy)
            return null;
        if (Executables.Find(Forwarder, searchPath) is null)
        {
            notice = "egress is not filtered: socat is not installed (apt-get install socat), so restore reached the open network";
            return null;
        }

        // Under /tmp, which every command gets fresh: the bind lands in its own tmpfs, not on the host.
        var folder = Path.Combine("/tmp", $"builder-egress-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        var proxy = EgressProxy.Start(Path.Combine(folder, "proxy.sock"), policy, logger, request.OnEgressDenied);
        return new EgressGate(folder, proxy);
    }

    /// <summary>The request as the sandbox runs it: no host network, the proxy's folder bound in, the forwarder started first.</summary>
    public SandboxRequest Apply(SandboxRequest request)
    {
        var proxyUrl = $"http://127.0.0.1:{ListenPort}";
        var environment = new Dictionary<string, string?>(request.Environment);
        foreach (var name in new[] { "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "npm_config_proxy", "npm_config_https_proxy" })
            environment.TryAdd(name, proxyUrl);

        // The forwarder is started from a subshell so it is not a child of the command's shell: a
        // restore script's own "wait" must not wait for it. It listens before the command starts
        // (port 3128 = 0C38 in /proc/net/tcp, state 0A = listening).
        var start = $"""
            ({Forwarder} TCP-LISTEN:{ListenPort},bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:{_proxy.SocketPath} </dev/null >/dev/null 2>&1 &)
            for _ in $(seq 500); do grep -q ':0C38 00000000:0000 0A' /proc/net/tcp && break; sleep 0.01; done

            """;
        return request with
        {
            Network = false,
            Egress = null,
            OnEgressDenied = null,
            Command = start + request.Command,
            Environment = environment,
            ReadOnlyBinds = [.. request.ReadOnlyBinds, _folder],
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _proxy.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
