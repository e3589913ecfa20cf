using System.Runtime.InteropServices;
using System.Text;

namespace Builder.AppHost;

/// <summary>Processes known only by PID: the servers daemonize, so there is no Process object for them.</summary>
static class Pids
{
    const int SIGKILL = 9;
    const int SIGTERM = 15;

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int sig);

    /// <summary>True while the process exists and is not a zombie (an orphaned daemon may never be reaped here).</summary>
    public static bool IsAlive(int pid)
    {
        if (!Directory.Exists("/proc"))
            return kill(pid, 0) == 0;
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault();
            return state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    public static string CommandOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return "?";
        }
    }

    /// <summary>The PID is alive and runs <paramref name="command"/>: a PID file may outlive its process and the PID be reused.</summary>
    public static bool IsRunning(int? pid, string command) => pid is { } p && IsAlive(p) && CommandOf(p) == command;

    public static void Terminate(int pid) => kill(pid, SIGTERM);

    /// <summary>SIGTERM, then SIGKILL if the process is still there after <paramref name="grace"/>.</summary>
    public static async Task<bool> StopPidAsync(int pid, TimeSpan grace)
    {
        if (!IsAlive(pid))
            return true;
        kill(pid, SIGTERM);
        if (await WaitForExitAsync(pid, grace))
            return true;
        kill(pid, SIGKILL);
        return await WaitForExitAsync(pid, TimeSpan.FromSeconds(5));
    }

    public static async Task<bool> WaitForExitAsync(int pid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (IsAlive(pid))
        {
            if (DateTime.UtcNow > deadline)
                return false;
            await Task.Delay(100);
        }
        return true;
    }

    public static int? ReadPid(string pidFile)
    {
        try
        {
            var first = File.ReadLines(pidFile).FirstOrDefault();
            return int.TryParse(first?.Trim(), out var pid) && pid > 0 ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Processes whose environment holds <paramref name="entry"/> (KEY=value), e.g. the epmd a RabbitMQ node started.</summary>
    public static IEnumerable<int> FindByEnvironment(string entry, string? command = null)
    {
        if (!Directory.Exists("/proc"))
            yield break;
        var needle = Encoding.UTF8.GetBytes(entry + "\0");
        var inner = Encoding.UTF8.GetBytes("\0" + entry + "\0");
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
                continue;
            byte[] environ;
            try
            {
                if (command is not null && File.ReadAllText(Path.Combine(dir, "comm")).Trim() != command)
                    continue;
                environ = File.ReadAllBytes(Path.Combine(dir, "environ"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            var span = environ.AsSpan();
            if (span.StartsWith(needle) || span.IndexOf(inner) >= 0)
                yield return pid;
        }
    }
}
