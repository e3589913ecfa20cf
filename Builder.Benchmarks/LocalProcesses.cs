using System.Net;
using System.Net.Sockets;

namespace Builder.Benchmarks;

/// <summary>What the benchmarks that start servers need: a free loopback port, and a signal to a process.</summary>
static class LocalProcesses
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Sends <paramref name="signal"/> (2 SIGINT, 15 SIGTERM) to <paramref name="pid"/>.</summary>
    public static void Signal(int pid, int signal) => kill(pid, signal);

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int sig);
}
