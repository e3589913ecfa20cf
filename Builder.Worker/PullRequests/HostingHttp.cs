using System.Net;

namespace Builder.Worker.PullRequests;

/// <summary>
/// The connection pool both providers share. Not an IHttpClientFactory client: the process-wide
/// defaults add a resilience handler that would retry a POST on its own and stack its retries on
/// ours. Redirects are not followed: .NET drops Authorization on a redirect to another host but
/// not GitLab's PRIVATE-TOKEN header (Octokit follows redirects itself, dropping its header).
/// </summary>
public sealed class HostingHttp : IDisposable
{
    readonly SocketsHttpHandler _handler = new()
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(15),
    };

    /// <summary>A handler over the shared pool that the caller may dispose without closing the pool.</summary>
    public HttpMessageHandler CreateHandler() => new Borrowed(_handler);

    /// <summary>A client over the shared pool; its own time limit is off because each call sets one.</summary>
    public HttpClient CreateClient() => new(CreateHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };

    public void Dispose() => _handler.Dispose();

    sealed class Borrowed(HttpMessageHandler pool) : DelegatingHandler(pool)
    {
        protected override void Dispose(bool disposing)
        {
            // The pool belongs to HostingHttp; disposing the inner handler here would close it for everyone.
        }
    }
}
