using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Builder.AppHost.Servers;

/// <summary>redis-server daemonized on loopback. It holds cache entries, locks and the SignalR backplane, none of which should outlive a restart, so nothing is persisted.</summary>
sealed class Redis(string executable, string directory, int port) : Server("redis", directory, port)
{
    string PidFile => Path.Combine(Directory, "redis.pid");
    string LogFile => Path.Combine(Directory, "redis.log");

    public override string ConnectionString => $"127.0.0.1:{Port}";

    public static string? Locate() => Shell.Which("redis-server");

    public override async Task StartAsync(CancellationToken ct)
    {
        State = "starting";
        System.IO.Directory.CreateDirectory(Directory);
        if (Pids.IsRunning(Pids.ReadPid(PidFile), "redis-server"))
        {
            Console.WriteLine($"redis: stopping a server left running by an earlier start (PID {Pids.ReadPid(PidFile)})");
            await StopAsync();
        }
        File.Delete(PidFile);

        var start = await Shell.RunAsync(executable,
        [
            "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--daemonize", "yes", "--pidfile", PidFile, "--logfile", LogFile, "--dir", Directory,
        ]);
        if (!start.Succeeded)
            throw Failure("did not start", Shell.Tail(start.Output) + Environment.NewLine + Shell.TailOfFile(LogFile));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await PingAsync())
        {
            if (DateTime.UtcNow > deadline)
                throw Failure("does not answer PING", Shell.TailOfFile(LogFile));
            await Task.Delay(100, ct);
        }
        Ready();
    }

    async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    public override async Task StopAsync()
    {
        if (Pids.ReadPid(PidFile) is { } pid && Pids.IsRunning(pid, "redis-server"))
        {
            State = "stopping";
            await Pids.StopPidAsync(pid, TimeSpan.FromSeconds(10));
        }
        Stopped();
    }
}
