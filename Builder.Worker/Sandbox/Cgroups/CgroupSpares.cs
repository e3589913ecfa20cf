using System.Collections.Concurrent;
using System.Diagnostics;

namespace Builder.Worker.Sandbox.Cgroups;

/// <summary>
/// A couple of per-run cgroup pairs (memory, pids) made ahead of time and used once by a trivial
/// process. The kernel's first use of a fresh memory cgroup costs about 10 ms, more than the rest
/// of a sandbox start; paying it in the background keeps it off every command's start.
/// </summary>
public sealed class CgroupSpares(string parent, ILogger logger) : IDisposable
{
    const int Keep = 2;

    // Joins both cgroups and exits: $1 and $2 are their cgroup.procs files.
    const string JoinBoth = "echo $$ > \"$1\" && echo $$ > \"$2\"";

    readonly ConcurrentQueue<(string Memory, string Pids)> _ready = new();
    int _preparing;
    volatile bool _stopped;

    public (string Memory, string Pids)? Take() => _ready.TryDequeue(out var spare) ? spare : null;

    /// <summary>Starts preparing spares in the background until <see cref="Keep"/> are ready or being made.</summary>
    public void Replenish()
    {
        if (_stopped || _ready.Count + Volatile.Read(ref _preparing) >= Keep)
            return;
        Interlocked.Increment(ref _preparing);
        _ = Task.Run(() =>
        {
            try
            {
                if (Prepare() is { } spare)
                {
                    _ready.Enqueue(spare);
                    if (_stopped)
                        Dispose();
                }
            }
            finally
            {
                Interlocked.Decrement(ref _preparing);
            }
        });
    }

    (string Memory, string Pids)? Prepare()
    {
        var (memoryParent, _) = CgroupHierarchy.ParentFolder("memory", parent);
        var (pidsParent, _) = CgroupHierarchy.ParentFolder("pids", parent);
        if (memoryParent is null || pidsParent is null)
        {
            _stopped = true; // nothing to prepare on this host; RunCgroups says what is missing
            return null;
        }

        var id = Guid.NewGuid().ToString("N");
        var memory = Path.Combine(memoryParent, id);
        var pids = Path.Combine(pidsParent, id);
        try
        {
            Directory.CreateDirectory(memory);
            Directory.CreateDirectory(pids);
            var warmUp = new ProcessStartInfo("sh") { UseShellExecute = false };
            warmUp.Environment.Clear();
            warmUp.Environment["PATH"] = "/usr/bin:/bin";
            foreach (var argument in new[] { "-c", JoinBoth, "warm-up", Path.Combine(memory, "cgroup.procs"), Path.Combine(pids, "cgroup.procs") })
                warmUp.ArgumentList.Add(argument);
            using var process = Process.Start(warmUp)!;
            if (process.WaitForExit(TimeSpan.FromSeconds(10)) && process.ExitCode == 0)
                return (memory, pids);
            logger.LogDebug("Warming a spare cgroup failed (exit {ExitCode})", process.HasExited ? process.ExitCode : -1);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            logger.LogDebug(ex, "Could not prepare a spare cgroup under {Parent}", parent);
        }

        _stopped = true;
        RunCgroups.Adopt(memory, pids, logger).Remove();
        return null;
    }

    public void Dispose()
    {
        _stopped = true;
        while (_ready.TryDequeue(out var spare))
            RunCgroups.Adopt(spare.Memory, spare.Pids, logger).Remove();
    }
}
