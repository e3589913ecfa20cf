using System.Text;

namespace Builder.Tests.AppHost;

/// <summary>
/// The processes one AppHost run started, found in the process table by a marker variable that every one of
/// them inherits: DCP detaches into a session of its own, so the process tree alone would miss it.
/// </summary>
sealed class StartedProcesses
{
    public const string Variable = "BUILDER_APPHOST_RUN";

    public string Marker { get; } = Guid.NewGuid().ToString("N");

    /// <summary>PID and command line of every live process carrying the marker, except this one.</summary>
    public IReadOnlyList<string> Alive()
    {
        var needle = Encoding.UTF8.GetBytes($"{Variable}={Marker}\0");
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
                continue;
            try
            {
                var environment = File.ReadAllBytes(Path.Combine(dir, "environ"));
                if (environment.AsSpan().IndexOf(needle) < 0)
                    continue;
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim();
                found.Add($"{pid} {commandLine}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone while we looked, or not ours to read.
            }
        }
        return found;
    }

    /// <summary>Waits until every marked process has exited; returns those still alive at the deadline.</summary>
    public async Task<IReadOnlyList<string>> WaitUntilGoneAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var alive = Alive();
            if (alive.Count == 0 || DateTime.UtcNow > deadline)
                return alive;
            await Task.Delay(500);
        }
    }
}
