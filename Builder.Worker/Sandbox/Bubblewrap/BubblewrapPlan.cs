namespace Builder.Worker.Sandbox.Bubblewrap;

/// <summary>
/// The bubblewrap options for one request: an empty root with the host's system folders bound
/// read-only (programs, libraries, configuration, /opt toolchains), fresh /dev, /proc and /tmp,
/// secrets inside those folders hidden behind empty read-only mounts, then the workspace and the
/// binds on top, and the root made read-only last. Anything else on the host (/home, /root, /srv,
/// /mnt, the folders Builder and other workspaces live in) is simply not there.
/// The order matters: a mount point can only be created while its parent is still writable, and a
/// bind must come after any tmpfs that would cover it.
/// </summary>
public sealed record BubblewrapPlan
{
    /// <summary>Hidden on every run: other users' files, sockets of host services (/run), password hashes and host keys.</summary>
    public static readonly IReadOnlyList<string> AlwaysHidden = ["/root", "/home", "/run", "/etc/shadow", "/etc/gshadow", "/etc/ssh"];

    /// <summary>Shown again under a hidden /run so name resolution keeps working when the network is allowed.</summary>
    static readonly string[] ResolverFolders = ["/run/systemd/resolve", "/run/resolvconf"];

    /// <summary>The host folders a command sees (read-only) when they exist: nothing else of the host is mounted.</summary>
    public static readonly IReadOnlyList<string> HostFolders =
        ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt", "/sys", "/nix"];

    // Hiding one of these would break every command; a configuration naming one is a mistake.
    static readonly HashSet<string> SystemFolders =
        ["/", "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/opt", "/proc", "/sbin", "/sys", "/tmp", "/usr", "/var"];

    public static bool IsSystemFolder(string path) => SystemFolders.Contains(path);

    public required IReadOnlyList<string> Options { get; init; }
    public required IReadOnlyDictionary<string, string?> Environment { get; init; }
    public required string Home { get; init; }
    public required IReadOnlyList<string> Notices { get; init; }

    /// <summary>The folders the command may write: the workspace and the writable binds.</summary>
    public required IReadOnlyList<string> Writable { get; init; }

    /// <summary>Every host path bound in, which the sandbox user must be able to reach.</summary>
    public required IReadOnlyList<string> Sources { get; init; }

    enum BindKind { Writable, ReadOnly, ReadOnlyIfPresent }

    sealed record Bind(string Path, BindKind Kind);

    /// <param name="hidden">Host paths to hide besides <see cref="AlwaysHidden"/> and the workspace's parent folder.</param>
    /// <param name="shown">Host folders shown read-only even under a hidden folder, when they exist.</param>
    public static BubblewrapPlan For(SandboxRequest request, IEnumerable<string> hidden, IEnumerable<string> shown, string searchPath)
    {
        var notices = new List<string>();
        var workspace = HostPaths.Normalize(request.Workspace);
        if (!Directory.Exists(workspace))
            throw new ArgumentException($"The workspace {workspace} does not exist.", nameof(request));

        var binds = new List<Bind> { new(workspace, BindKind.Writable) };
        foreach (var path in request.WritableBinds.Select(HostPaths.Normalize))
        {
            RequireFolder(path);
            Directory.CreateDirectory(path); // a package cache that restore is about to fill
            binds.Add(new Bind(path, BindKind.Writable));
        }

        foreach (var path in request.ReadOnlyBinds.Select(HostPaths.Normalize))
        {
            RequireFolder(path);
            if (!Directory.Exists(path))
                notices.Add($"read-only bind {path} does not exist on this host");
            binds.Add(new Bind(path, BindKind.ReadOnlyIfPresent));
        }

        if (GitMetadata.RepositoryOf(workspace) is { } repository)
        {
            binds.Add(new Bind(repository, BindKind.ReadOnly));
            // The worker runs git in this workspace as its own user afterwards: a .git file rewritten to
            // point at a repository the command wrote (with core.fsmonitor or a filter driver) would
            // run the command's code outside the sandbox.
            binds.Add(new Bind(Path.Combine(workspace, ".git"), BindKind.ReadOnly));
        }
        foreach (var path in shown.Concat(ResolverFolders).Select(HostPaths.Normalize).Where(Directory.Exists))
            binds.Add(new Bind(path, BindKind.ReadOnlyIfPresent));

        // Writable binds win over read-only ones of the same folder; parents are mounted before children.
        binds = binds.GroupBy(b => b.Path).Select(g => g.MinBy(b => b.Kind)!).OrderBy(b => HostPaths.Depth(b.Path)).ToList();

        var implicitMasks = AlwaysHidden.Append(Path.GetDirectoryName(workspace) ?? "/").Select(p => (p, false));
        var hostFolders = HostFolders.Where(p => Directory.Exists(p)).ToList();
        var visible = hostFolders.Select(HostPaths.Canonical).Concat(binds.Select(b => b.Path)).ToList();
        var masks = Masks(implicitMasks.Concat(hidden.Select(p => (p, true))), binds, visible, notices);
        const string home = "/home/sandbox";

        // /tmp lives in memory; with a disk limit it gets the same size, so it is no way around it.
        List<string> size = request.MaxDiskBytes is { } disk ? ["--size", disk.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [];
        var options = new List<string>();
        foreach (var folder in hostFolders)
        {
            // Merged /usr: /bin, /lib... are links into /usr on the host and stay links here.
            var link = new DirectoryInfo(folder).LinkTarget;
            options.AddRange(link is null ? ["--ro-bind", folder, folder] : ["--symlink", link, folder]);
        }
        options.AddRange(["--dev", "/dev", "--proc", "/proc", .. size, "--tmpfs", "/tmp", .. size, "--tmpfs", "/var/tmp"]);
        var mountPoints = binds.Select(b => b.Path).Append(home).ToList();
        foreach (var mask in masks)
        {
            if (File.Exists(mask))
            {
                options.AddRange(["--ro-bind", "/dev/null", mask]);
                continue;
            }

            // Empty and read-only: nothing to read, and nothing written there survives or looks like it worked.
            options.AddRange(["--tmpfs", mask]);
            foreach (var point in mountPoints.Where(p => p != mask && HostPaths.IsWithin(p, mask)))
                options.AddRange(["--dir", point]);
            options.AddRange(["--remount-ro", mask]);
        }

        options.AddRange(["--tmpfs", home]);
        foreach (var bind in binds)
        {
            var flag = bind.Kind switch
            {
                BindKind.Writable => "--bind",
                BindKind.ReadOnly => "--ro-bind",
                _ => "--ro-bind-try",
            };
            options.AddRange([flag, bind.Path, bind.Path]);
        }

        // The empty root the folders above were mounted on: nothing written there would survive anyway.
        options.AddRange(["--remount-ro", "/"]);

        // As root, bubblewrap keeps every capability inside its user namespace unless told not to,
        // and with them the command could simply unmount the tmpfs that hides a folder.
        options.AddRange(["--unshare-all", "--unshare-user", "--disable-userns", "--cap-drop", "ALL"]);
        if (request.Network)
            options.Add("--share-net");
        options.AddRange(["--die-with-parent", "--new-session", "--chdir", workspace, "--clearenv"]);

        var environment = SandboxEnvironment.For(request, searchPath, home);
        foreach (var (name, value) in environment)
            options.AddRange(["--setenv", name, value!]);

        return new BubblewrapPlan
        {
            Options = options, Environment = environment, Home = home, Notices = notices,
            Writable = binds.Where(b => b.Kind == BindKind.Writable).Select(b => b.Path).ToList(),
            Sources = binds.Select(b => b.Path).ToList(),
        };
    }

    static void RequireFolder(string path)
    {
        if (File.Exists(path))
            throw new ArgumentException($"Binds must be folders: {path} is a file.");
    }

    /// <summary>The paths to cover, outermost first: existing, visible, not system folders, not already covered.</summary>
    static List<string> Masks(IEnumerable<(string Path, bool Configured)> requested, List<Bind> binds, List<string> visible, List<string> notices)
    {
        var masks = new List<string>();
        var candidates = requested
            .Select(r => (Path: HostPaths.Canonical(r.Path), r.Configured))
            .GroupBy(r => r.Path)
            .Select(g => (Path: g.Key, Configured: g.Any(r => r.Configured)))
            .OrderBy(r => HostPaths.Depth(r.Path));
        foreach (var (path, configured) in candidates)
        {
            if (SystemFolders.Contains(path))
            {
                if (configured)
                    notices.Add($"not hidden: {path} is a system folder");
                continue;
            }

            if (!Directory.Exists(path) && !File.Exists(path))
                continue;
            if (!visible.Any(folder => HostPaths.IsWithin(path, folder)))
                continue; // not mounted at all
            if (HostPaths.IsWithin(path, "/tmp") || masks.Any(mask => HostPaths.IsWithin(path, mask)))
                continue; // already covered by the fresh /tmp or by a mask further out
            if (binds.Any(bind => HostPaths.IsWithin(path, bind.Path)))
            {
                if (configured)
                    notices.Add($"not hidden: {path} is inside a folder the command may use");
                continue;
            }

            masks.Add(path);
        }

        return masks;
    }
}
