namespace Builder.Worker.Sandbox.Cgroups;

/// <summary>
/// Finds where a cgroup v1 controller (memory, pids) is mounted and which cgroup this process is
/// in, from /proc/self/mountinfo and /proc/self/cgroup, so per-run cgroups land under the right
/// parent even inside a container or a systemd service.
/// </summary>
public static class CgroupHierarchy
{
    /// <summary>The folder per-run cgroups of <paramref name="controller"/> go into, or why there is none.</summary>
    public static (string? Folder, string? Problem) ParentFolder(string controller, string parent)
    {
        string mountInfo, ownCgroups;
        try
        {
            mountInfo = File.ReadAllText("/proc/self/mountinfo");
            ownCgroups = File.ReadAllText("/proc/self/cgroup");
        }
        catch (IOException ex)
        {
            return (null, ex.Message);
        }

        var mount = FindMount(mountInfo, controller);
        if (mount is null)
            return (null, File.Exists("/sys/fs/cgroup/cgroup.controllers")
                ? "only cgroup v2 is mounted"
                : $"the cgroup v1 {controller} controller is not mounted");

        if (parent.StartsWith('/'))
            return (Combine(mount.Value.MountPoint, parent), null);

        var own = OwnPath(ownCgroups, controller) ?? "/";
        var root = mount.Value.Root;
        var relative = root == "/" ? own
            : HostPaths.IsWithin(own, root) ? own[root.Length..]
            : "/";
        return (Combine(Combine(mount.Value.MountPoint, relative), parent), null);
    }

    /// <summary>
    /// Where the unified (v2) hierarchy is mounted and this process's cgroup in it, when memory and
    /// pids are not on a v1 hierarchy (a v2-only host); null on v1 and hybrid hosts.
    /// </summary>
    public static (string MountPoint, string OwnPath)? UnifiedOnly()
    {
        try
        {
            var mountInfo = File.ReadAllText("/proc/self/mountinfo");
            if (FindMount(mountInfo, "memory") is not null || FindMount(mountInfo, "pids") is not null)
                return null;
            foreach (var line in mountInfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                // "30 23 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate"
                var separator = line.IndexOf(" - ", StringComparison.Ordinal);
                if (separator < 0 || !line[(separator + 3)..].StartsWith("cgroup2 ", StringComparison.Ordinal))
                    continue;
                var fields = line[..separator].Split(' ');
                var own = File.ReadAllLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..] ?? "/";
                var root = Unescape(fields[3]);
                var relative = root == "/" ? own : HostPaths.IsWithin(own, root) ? own[root.Length..] : "/";
                return (Unescape(fields[4]), relative);
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    static (string Root, string MountPoint)? FindMount(string mountInfo, string controller)
    {
        foreach (var line in mountInfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // "36 25 0:31 / /sys/fs/cgroup/memory rw,nosuid shared:14 - cgroup cgroup rw,memory"
            var separator = line.IndexOf(" - ", StringComparison.Ordinal);
            if (separator < 0)
                continue;
            var fields = line[..separator].Split(' ');
            var tail = line[(separator + 3)..].Split(' ');
            if (fields.Length < 5 || tail.Length < 3 || tail[0] != "cgroup")
                continue;
            if (tail[2].Split(',').Contains(controller))
                return (Unescape(fields[3]), Unescape(fields[4]));
        }

        return null;
    }

    static string? OwnPath(string ownCgroups, string controller)
    {
        foreach (var line in ownCgroups.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // "4:memory:/system.slice/builder.service"
            var parts = line.Split(':', 3);
            if (parts.Length == 3 && parts[1].Split(',').Contains(controller))
                return parts[2];
        }

        return null;
    }

    static string Combine(string folder, string relative) =>
        HostPaths.Normalize(folder.TrimEnd('/') + "/" + relative.Trim('/'));

    // mountinfo escapes space, tab, newline and backslash as octal.
    static string Unescape(string field) =>
        field.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\");
}
