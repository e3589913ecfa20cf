using System.Collections.Concurrent;

namespace Builder.Worker.Deployment;

/// <summary>
/// The HTTP client that reaches a service address. Local and container versions answer on loopback
/// with no credentials; a Kubernetes service is reached through its API server's proxy, which needs
/// the cluster's credentials: that target registers its own client for the server's origin.
/// </summary>
public sealed class ServiceClients : IDisposable
{
    readonly HttpClient _loopback = Create(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromSeconds(30) });
    readonly ConcurrentDictionary<string, HttpClient> _byOrigin = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>No client timeout: each caller limits its own request (a probe's deadline, the contract's patience).</summary>
    public static HttpClient Create(HttpMessageHandler handler, bool disposeHandler = true) =>
        new(handler, disposeHandler) { Timeout = Timeout.InfiniteTimeSpan };

    public void Register(Uri origin, HttpClient client) => _byOrigin[origin.GetLeftPart(UriPartial.Authority)] = client;

    public HttpClient For(Uri address) => _byOrigin.TryGetValue(address.GetLeftPart(UriPartial.Authority), out var client) ? client : _loopback;

    public void Dispose()
    {
        _loopback.Dispose();
        foreach (var client in _byOrigin.Values)
            client.Dispose();
    }
}
