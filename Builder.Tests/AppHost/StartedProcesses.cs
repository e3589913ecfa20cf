using System.Text;

namespace Builder.Tests.AppHost;

/// <summary>
/// The processes one AppHost run started, found in the process table by a marker variable that every one of
/// them inherits (DCP detaches into a session of its own, so the tree under the test would miss it), and by
/// descent from those: servers that retitle themselves (redis, postgres) overwrite what /proc shows of their environment.
/// </summary>
sealed class StartedProcesses
{
    public const string Variable = "BUILDER_APPHOST_RUN";

    readonly Dictionary<int, string> remembered = [];

    public string Marker { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Notes every marked process and its descendants as they are now, to be looked for again after the stop.</summary>
    public void Remember()
    {
        var table = ProcessTable();
        var found = new Queue<int>(Marked(table.Keys));
        while (found.TryDequeue(out var pid))
        {
            if (!table.TryGetValue(pid, out var entry) || !remembered.TryAdd(pid, entry.Start))
                continue;
            foreach (var (child, _) in table.Where(p => p.Value.Parent == pid))
                found.Enqueue(child);
        }
    }

    /// <summary>PID and command line of every live process carrying the marker or remembered, except this one.</summary>
    public IReadOnlyList<string> Alive()
    {
        var table = ProcessTable();
        var alive = Marked(table.Keys)
            .Concat(remembered.Where(r => table.TryGetValue(r.Key, out var now) && now.Start == r.Value).Select(r => r.Key))
            .Distinct();
        return [.. alive.Select(pid => $"{pid} {Read(pid, "cmdline")?.Replace('\0', ' ').Trim()}")];
    }

    /// <summary>Waits until every process of the run has exited; returns those still alive at the deadline.</summary>
    public async Task<IReadOnlyList<string>> WaitUntilGoneAsync(TimeSpan timeout)
    {
        try
        {
            return await Eventually.Until(Alive, alive => alive.Count == 0, "every started process to exit", timeout, TimeSpan.FromMilliseconds(500));
        }
        catch (TimeoutException)
        {
            return Alive();
        }
    }

    IEnumerable<int> Marked(IEnumerable<int> pids)
    {
        var needle = Encoding.UTF8.GetBytes($"{Variable}={Marker}\0");
        foreach (var pid in pids)
        {
            byte[] environment;
            try
            {
                environment = File.ReadAllBytes($"/proc/{pid}/environ");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (environment.AsSpan().IndexOf(needle) >= 0)
                yield return pid;
        }
    }

    /// <summary>Every process but this one: its parent and its start time (which tells a reused PID apart).</summary>
    static Dictionary<int, (int Parent, string Start)> ProcessTable()
    {
        var table = new Dictionary<int, (int, string)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
                continue;
            // Fields after the command name, which may itself hold spaces and parentheses: state, ppid, ..., starttime (the 20th).
            if (Read(pid, "stat") is not { } stat || stat[(stat.LastIndexOf(')') + 2)..].Split(' ') is not { Length: > 19 } fields)
                continue;
            table[pid] = (int.Parse(fields[1]), fields[19]);
        }
        return table;
    }

    static string? Read(int pid, string file)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/{file}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
