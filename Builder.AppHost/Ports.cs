using System.Net;
using System.Net.Sockets;

namespace Builder.AppHost;

static class Ports
{
    /// <summary>
    /// Free loopback ports, all held until every one is chosen so they differ. Drawn below the kernel's
    /// ephemeral range: a port there could be taken by any outgoing connection before its server binds it.
    /// </summary>
    public static int[] FreePorts(int count)
    {
        var low = EphemeralLow();
        var listeners = new List<TcpListener>();
        try
        {
            for (var attempt = 0; listeners.Count < count && attempt < 1000; attempt++)
            {
                var listener = new TcpListener(IPAddress.Loopback, low > 11_000 ? Random.Shared.Next(10_000, low) : 0);
                try
                {
                    listener.Start();
                    listeners.Add(listener);
                }
                catch (SocketException)
                {
                }
            }

            return listeners.Count == count ? [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)]
                : throw new InvalidOperationException($"Could not find {count} free loopback ports.");
        }
        finally
        {
            foreach (var l in listeners)
                l.Stop();
        }
    }

    static int EphemeralLow()
    {
        try
        {
            return int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0]);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            return 32_768;
        }
    }
}
