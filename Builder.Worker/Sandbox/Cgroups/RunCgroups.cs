using System.Runtime.InteropServices;

namespace Builder.Worker.Sandbox.Cgroups;

/// <summary>
/// The cgroup v1 memory and pids cgroups of one sandboxed run, and its cpu cgroup when the run has a
/// CPU quota. The run's first process writes
/// itself into <see cref="ProcsFiles"/> before it execs, so everything it starts is inside.
/// Whatever cannot be set up becomes a notice and the run goes on without that limit.
/// </summary>
public sealed class RunCgroups : IRunCgroups
{
    readonly ILogger _logger;
    readonly string? _memory;
    readonly string? _pids;
    string? _cpu;

    readonly List<string> _notices;

    RunCgroups(ILogger logger, string? memory, string? pids, List<string> notices)
    {
        _logger = logger;
        _memory = memory;
        _pids = pids;
        _notices = notices;
    }

    IEnumerable<string> Folders => new[] { _memory, _pids, _cpu }.OfType<string>();

    public IReadOnlyList<string> Notices => _notices;

    public IReadOnlyList<string> ProcsFiles =>
        Folders.Select(folder => Path.Combine(folder, "cgroup.procs")).ToList();

    public static RunCgroups None(params string[] notices) => new(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, null, null, notices.ToList());

    /// <summary>Wraps existing cgroup folders (a spare, or one to remove).</summary>
    public static RunCgroups Adopt(string? memory, string? pids, ILogger logger) =>
        new(logger, memory is not null && Directory.Exists(memory) ? memory : null, pids is not null && Directory.Exists(pids) ? pids : null, new List<string>());

    /// <summary>The run's cgroups: a prepared spare when one is ready, else new ones.</summary>
    public static RunCgroups Create(string parent, long memoryBytes, int maxProcesses, ILogger logger, CgroupSpares? spares = null, double? cpuCores = null)
    {
        var cgroups = Create(parent, memoryBytes, maxProcesses, logger, spares);
        if (cpuCores is { } cores)
            cgroups.AddCpuQuota(parent, cores);
        return cgroups;
    }

    /// <summary>
    /// A CFS quota of <paramref name="cores"/> CPUs: the run is throttled, not stopped, when it
    /// wants more. Made per run rather than kept spare: only runs with a quota pay for it.
    /// </summary>
    void AddCpuQuota(string parent, double cores)
    {
        _cpu = CreateOne("cpu", parent, Guid.NewGuid().ToString("N"), _notices, _logger, folder =>
        {
            const long period = 100_000;
            File.WriteAllText(Path.Combine(folder, "cpu.cfs_period_us"), period.ToString());
            File.WriteAllText(Path.Combine(folder, "cpu.cfs_quota_us"), Math.Max(1_000, (long)(cores * period)).ToString());
        }, "no CPU quota");
    }

    static RunCgroups Create(string parent, long memoryBytes, int maxProcesses, ILogger logger, CgroupSpares? spares)
    {
        if (spares?.Take() is { } spare)
        {
            try
            {
                SetMemoryLimit(spare.Memory, memoryBytes);
                SetProcessLimit(spare.Pids, maxProcesses);
                return new RunCgroups(logger, spare.Memory, spare.Pids, new List<string>());
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogDebug(ex, "A spare cgroup could not be used; making new ones");
                Adopt(spare.Memory, spare.Pids, logger).Remove();
            }
        }

        return Create(parent, Guid.NewGuid().ToString("N"), memoryBytes, maxProcesses, logger);
    }

    static void SetMemoryLimit(string folder, long memoryBytes)
    {
        File.WriteAllText(Path.Combine(folder, "memory.limit_in_bytes"), memoryBytes.ToString());
        // Without a memory+swap limit the overflow would go to swap instead of ending the run.
        var memsw = Path.Combine(folder, "memory.memsw.limit_in_bytes");
        if (File.Exists(memsw))
            File.WriteAllText(memsw, memoryBytes.ToString());
    }

    static void SetProcessLimit(string folder, int maxProcesses) =>
        File.WriteAllText(Path.Combine(folder, "pids.max"), maxProcesses.ToString());

    public static RunCgroups Create(string parent, string id, long memoryBytes, int maxProcesses, ILogger logger)
    {
        var notices = new List<string>();
        var memory = CreateOne("memory", parent, id, notices, logger, folder => SetMemoryLimit(folder, memoryBytes));
        var pids = CreateOne("pids", parent, id, notices, logger, folder => SetProcessLimit(folder, maxProcesses));
        return new RunCgroups(logger, memory, pids, notices);
    }

    static string? CreateOne(string controller, string parent, string id, List<string> notices, ILogger logger, Action<string> configure, string? without = null)
    {
        var what = without ?? (controller == "memory" ? "no memory limit" : "no process-count limit");
        var (parentFolder, problem) = CgroupHierarchy.ParentFolder(controller, parent);
        if (parentFolder is null)
        {
            notices.Add($"cgroup {controller} unavailable ({problem}): {what}");
            return null;
        }

        var folder = Path.Combine(parentFolder, id);
        try
        {
            Directory.CreateDirectory(folder);
            configure(folder);
            return folder;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "Could not set up the {Controller} cgroup {Folder}", controller, folder);
            notices.Add($"cgroup {controller} unavailable ({ex.Message}): {what}");
            TryRemove(folder, logger);
            return null;
        }
    }

    /// <summary>
    /// "memory" or "processes" once the kernel enforced a limit on this run, else null, whatever the
    /// command's exit code: a shell whose fork was refused may still end with 0. pids.events counts
    /// every refused fork in the cgroup, whichever of the run's processes asked.
    /// </summary>
    public string? LimitHit()
    {
        if (_memory is not null && Counter(Path.Combine(_memory, "memory.oom_control"), "oom_kill") > 0)
            return "memory";
        if (_pids is not null && Counter(Path.Combine(_pids, "pids.events"), "max") > 0)
            return "processes";
        return null;
    }

    /// <summary>
    /// <see cref="LimitHit"/> once no process of the run is left. The command's end is not the run's:
    /// a process that outlived it (with its output redirected, so nothing waited for it) can still be
    /// refused a fork, and a counter read before that would miss the limit the run did hit.
    /// </summary>
    public string? LimitHitOnceStopped()
    {
        KillAll();
        return LimitHit();
    }

    /// <summary>SIGKILLs every process in the run's cgroups until none is left (or a few seconds pass).</summary>
    public void KillAll()
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            var pids = Members();
            if (pids.Count == 0)
                return;
            foreach (var pid in pids)
                kill(pid, SIGKILL);
            Thread.Sleep(10);
        }

        _logger.LogWarning("Processes of a sandboxed run were still alive after 5 s of SIGKILL");
    }

    public void Remove()
    {
        if (!Folders.Any())
            return;
        KillAll();
        foreach (var folder in Folders)
            TryRemove(folder, _logger);
    }

    List<int> Members()
    {
        var pids = new List<int>();
        foreach (var folder in new[] { _pids, _memory }.OfType<string>())
        {
            try
            {
                foreach (var line in File.ReadAllLines(Path.Combine(folder, "cgroup.procs")))
                    if (int.TryParse(line, out var pid) && !pids.Contains(pid))
                        pids.Add(pid);
            }
            catch (IOException)
            {
                // The cgroup is gone; nothing of it is left to kill.
            }
        }

        return pids;
    }

    static long Counter(string file, string name)
    {
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                var parts = line.Split(' ', 2);
                if (parts.Length == 2 && parts[0] == name && long.TryParse(parts[1], out var value))
                    return value;
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }

    static void TryRemove(string folder, ILogger logger)
    {
        // A cgroup's last processes may still be exiting for a moment after SIGKILL.
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                if (Directory.Exists(folder))
                    Directory.Delete(folder);
                return;
            }
            catch (IOException) when (attempt < 49)
            {
                Thread.Sleep(20);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(ex, "Could not remove the cgroup {Folder}", folder);
                return;
            }
        }
    }

    const int SIGKILL = 9;

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int sig);
}
