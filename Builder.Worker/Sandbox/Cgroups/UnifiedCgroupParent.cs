namespace Builder.Worker.Sandbox.Cgroups;

/// <summary>
/// The folder of the unified (v2) hierarchy that runs' cgroups are made in. A v2 cgroup can hand
/// controllers to its children only while it holds no process itself, so the worker first moves
/// into a leaf of its own ("worker"), then enables memory, pids and cpu for its children and for
/// the runs' parent ("builder" by default) beside that leaf.
/// </summary>
public sealed class UnifiedCgroupParent
{
    static readonly string[] Controllers = ["memory", "pids", "cpu"];

    UnifiedCgroupParent(string folder, IReadOnlyList<string> missing)
    {
        Folder = folder;
        Missing = missing;
    }

    public string Folder { get; }

    /// <summary>Controllers the host did not let the worker enable; each run's notices name them.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>The parent on a v2-only host, or null on v1 and hybrid hosts (or when v2 cannot be delegated here, logged).</summary>
    public static UnifiedCgroupParent? Prepare(string parent, ILogger logger)
    {
        if (CgroupHierarchy.UnifiedOnly() is not { } unified)
            return null;
        return Prepare(unified.MountPoint, unified.OwnPath, parent, Environment.ProcessId, logger);
    }

    /// <summary>The same from a given mount point and own cgroup path (a test's stand-in folder tree).</summary>
    public static UnifiedCgroupParent? Prepare(string mountPoint, string ownPath, string parent, int workerPid, ILogger logger)
    {
        var own = Path.Combine(mountPoint, ownPath.Trim('/'));
        try
        {
            var available = Read(Path.Combine(own, "cgroup.controllers")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var wanted = Controllers.Where(available.Contains).ToList();

            // Only processes of this cgroup move: the worker's own leaf takes them all.
            var leaf = Path.Combine(own, "worker");
            Directory.CreateDirectory(leaf);
            foreach (var pid in Read(Path.Combine(own, "cgroup.procs")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                TryWrite(Path.Combine(leaf, "cgroup.procs"), pid.Trim());
            if (!Read(Path.Combine(leaf, "cgroup.procs")).Split('\n').Contains(workerPid.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                File.WriteAllText(Path.Combine(leaf, "cgroup.procs"), workerPid.ToString(System.Globalization.CultureInfo.InvariantCulture));

            var folder = parent.StartsWith('/') ? Path.Combine(mountPoint, parent.Trim('/')) : Path.Combine(own, parent.Trim('/'));
            Directory.CreateDirectory(folder);
            var enable = string.Join(' ', wanted.Select(c => "+" + c));
            if (enable.Length > 0)
            {
                File.WriteAllText(Path.Combine(own, "cgroup.subtree_control"), enable);
                File.WriteAllText(Path.Combine(folder, "cgroup.subtree_control"), enable);
            }

            logger.LogInformation("Sandboxed commands get cgroup v2 limits ({Controllers}) under {Folder}", string.Join(", ", wanted), folder);
            return new UnifiedCgroupParent(folder, Controllers.Except(wanted).ToList());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("cgroup v2 limits are unavailable ({Problem}): sandboxed commands run without memory, process and CPU limits", ex.Message);
            return null;
        }
    }

    static string Read(string file) => File.Exists(file) ? File.ReadAllText(file) : "";

    static void TryWrite(string file, string text)
    {
        try
        {
            File.WriteAllText(file, text);
        }
        catch (IOException)
        {
            // A process that ended, or a kernel thread that cannot move: it stays where it was.
        }
    }
}
