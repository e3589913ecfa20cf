using System.Globalization;
using System.Runtime.InteropServices;

namespace Builder.Worker.Sandbox.Cgroups;

/// <summary>
/// One sandboxed run's cgroup in the unified (v2) hierarchy: memory.max (and no swap), pids.max and,
/// with a quota, cpu.max, all in one folder. The kernel's counters (memory.events oom_kill,
/// pids.events max) say which limit ended the run, as the v1 counters do in <see cref="RunCgroups"/>.
/// </summary>
public sealed class UnifiedRunCgroup : IRunCgroups
{
    const long CpuPeriod = 100_000;

    readonly string? _folder;
    readonly ILogger _logger;
    readonly List<string> _notices;

    UnifiedRunCgroup(string? folder, List<string> notices, ILogger logger)
    {
        _folder = folder;
        _notices = notices;
        _logger = logger;
    }

    public IReadOnlyList<string> Notices => _notices;

    public IReadOnlyList<string> ProcsFiles => _folder is null ? [] : [Path.Combine(_folder, "cgroup.procs")];

    public static UnifiedRunCgroup Create(UnifiedCgroupParent parent, long memoryBytes, int maxProcesses, double? cpuCores, ILogger logger)
    {
        var notices = parent.Missing.Select(c => $"cgroup v2 {c} controller unavailable: {Without(c)}").ToList();
        var folder = Path.Combine(parent.Folder, Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(folder);
            if (!parent.Missing.Contains("memory"))
            {
                Write(folder, "memory.max", memoryBytes.ToString(CultureInfo.InvariantCulture));
                // Without it the overflow would go to swap instead of ending the run.
                if (File.Exists(Path.Combine(folder, "memory.swap.max")) || !IsCgroupFileSystem(folder))
                    Write(folder, "memory.swap.max", "0");
            }
            if (!parent.Missing.Contains("pids"))
                Write(folder, "pids.max", maxProcesses.ToString(CultureInfo.InvariantCulture));
            if (cpuCores is { } cores)
            {
                if (parent.Missing.Contains("cpu"))
                    notices.Add("cgroup v2 cpu controller unavailable: no CPU quota");
                else
                    Write(folder, "cpu.max", $"{Math.Max(1_000, (long)(cores * CpuPeriod))} {CpuPeriod}");
            }

            return new UnifiedRunCgroup(folder, notices, logger);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "Could not set up the cgroup v2 folder {Folder}", folder);
            TryRemove(folder);
            notices.Add($"cgroup v2 unavailable ({ex.Message}): no memory, process-count or CPU limit");
            return new UnifiedRunCgroup(null, notices, logger);
        }
    }

    static string Without(string controller) => controller switch
    {
        "memory" => "no memory limit",
        "pids" => "no process-count limit",
        _ => "no CPU quota",
    };

    public string? LimitHit()
    {
        if (_folder is null)
            return null;
        if (Counter(Path.Combine(_folder, "memory.events"), "oom_kill") > 0)
            return "memory";
        if (Counter(Path.Combine(_folder, "pids.events"), "max") > 0)
            return "processes";
        return null;
    }

    public string? LimitHitOnceStopped()
    {
        KillAll();
        return LimitHit();
    }

    /// <summary>cgroup.kill where the kernel has it (5.14+), else SIGKILL to each member until none is left.</summary>
    public void KillAll()
    {
        if (_folder is null)
            return;
        var killFile = Path.Combine(_folder, "cgroup.kill");
        if (File.Exists(killFile) && IsCgroupFileSystem(_folder))
        {
            try
            {
                File.WriteAllText(killFile, "1");
            }
            catch (IOException)
            {
            }
        }

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            var members = Members();
            if (members.Count == 0)
                return;
            foreach (var pid in members)
                kill(pid, 9);
            Thread.Sleep(10);
        }

        _logger.LogWarning("Processes of a sandboxed run were still alive after 5 s of SIGKILL");
    }

    public void Remove()
    {
        if (_folder is null)
            return;
        KillAll();
        TryRemove(_folder);
    }

    List<int> Members()
    {
        try
        {
            return File.ReadAllLines(Path.Combine(_folder!, "cgroup.procs"))
                .Select(line => int.TryParse(line, out var pid) ? pid : 0).Where(pid => pid > 0).ToList();
        }
        catch (IOException)
        {
            return [];
        }
    }

    static void Write(string folder, string file, string value) => File.WriteAllText(Path.Combine(folder, file), value);

    /// <summary>False for a plain folder standing in for cgroupfs, where no kernel acts on what is written.</summary>
    static bool IsCgroupFileSystem(string folder) => File.Exists(Path.Combine(folder, "cgroup.controllers"));

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

    static void TryRemove(string folder)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                if (!Directory.Exists(folder))
                    return;
                // A real cgroup folder holds only kernel files and is removed with rmdir; a stand-in holds plain files.
                Directory.Delete(folder, recursive: !IsCgroupFileSystem(folder));
                return;
            }
            catch (IOException) when (attempt < 49)
            {
                Thread.Sleep(20);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return;
            }
        }
    }

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int sig);
}
