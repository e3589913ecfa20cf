namespace Builder.Tests.Infrastructure;

/// <summary>
/// Hands out the pre-created vhosts one by one. Vhosts are never returned: a bus that was stopped
/// can leave queues and exchanges behind, and reusing them would couple tests.
/// </summary>
internal sealed class RabbitVhostPool
{
    private readonly Uri _server;
    private readonly IReadOnlyList<string> _vhosts;
    private int _next = -1;

    public RabbitVhostPool(Uri server, IReadOnlyList<string> vhosts)
    {
        if (vhosts.Count == 0)
        {
            throw new ArgumentException("At least one vhost is needed.", nameof(vhosts));
        }

        _server = server;
        _vhosts = vhosts;
    }

    public int Count => _vhosts.Count;

    public static RabbitVhostPool Parse(string serverUri, string commaSeparatedVhosts)
    {
        var vhosts = commaSeparatedVhosts
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        return new RabbitVhostPool(new Uri(serverUri), vhosts);
    }

    public RabbitVhostLease Lease()
    {
        var index = Interlocked.Increment(ref _next);
        if (index >= _vhosts.Count)
        {
            throw new InvalidOperationException(
                $"All {_vhosts.Count} RabbitMQ vhosts ({TestServers.RabbitMqVhostsVariable}) are already leased in this test process. " +
                "Raise RABBIT_VHOST_COUNT in test.sh, or let tests that need no isolation share a bus.");
        }

        var vhost = _vhosts[index];
        var uri = new UriBuilder(_server) { Path = "/" + Uri.EscapeDataString(vhost) }.Uri;
        return new RabbitVhostLease(vhost, uri);
    }
}
