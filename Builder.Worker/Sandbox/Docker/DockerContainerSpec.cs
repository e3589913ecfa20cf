using Docker.DotNet.Models;

namespace Builder.Worker.Sandbox.Docker;

/// <summary>The container one request runs in; a pure function so its isolation can be checked without an engine.</summary>
public static class DockerContainerSpec
{
    public const string Label = "builder.sandbox";
    const string Home = "/tmp";
    const long ProcessRlimit = 32_768;

    /// <summary>The last line the command's wrapper prints when the kernel killed a process of the container for memory.</summary>
    public const string OutOfMemoryMarker = "[builder-sandbox] oom_kill ";

    /// <summary>
    /// Runs the command ($1), then reads the container's own memory cgroup (v2 memory.events, v1
    /// memory.oom_control) and says whether the kernel killed any of its processes for memory. The
    /// engine's OOMKilled flag covers the main process only, and Podman on cgroup v1 never sets it;
    /// a build whose compiler was killed must still say "memory", not just "exit code 2".
    /// </summary>
    const string ReportingOutOfMemory =
        "/bin/sh -c \"$1\"; rc=$?; " +
        "for f in /sys/fs/cgroup/memory.events /sys/fs/cgroup/memory/memory.oom_control; do " +
        "[ -r \"$f\" ] || continue; " +
        "while read -r key value; do if [ \"$key\" = oom_kill ] && [ \"$value\" -gt 0 ]; then echo \"" + OutOfMemoryMarker + "$value\"; fi; done < \"$f\"; " +
        "done; exit $rc";

    public static CreateContainerParameters For(SandboxRequest request, SandboxOptions options)
    {
        request = options.Clamp(request);
        var workspace = HostPaths.Normalize(request.Workspace);
        // The image's own PATH is kept: its toolchains live where the image put them.
        var environment = SandboxEnvironment.For(request, searchPath: "", Home)
            .Where(e => e.Value is not null && !(e.Key == "PATH" && e.Value.Length == 0))
            .Select(e => $"{e.Key}={e.Value}")
            .ToList();

        var mounts = new List<Mount> { Bind(workspace, readOnly: false) };
        mounts.AddRange(request.WritableBinds.Select(HostPaths.Normalize).Select(p => Bind(p, readOnly: false)));
        mounts.AddRange(request.ReadOnlyBinds.Select(HostPaths.Normalize).Select(p => Bind(p, readOnly: true)));

        return new CreateContainerParameters
        {
            Image = request.Image ?? options.DockerImage,
            Cmd = ["/bin/sh", "-c", ReportingOutOfMemory, "sh", request.Command],
            Env = environment,
            WorkingDir = workspace,
            User = string.IsNullOrWhiteSpace(options.DockerUser) ? null : options.DockerUser,
            NetworkDisabled = !request.Network,
            AttachStdout = true,
            AttachStderr = true,
            Tty = false,
            Labels = new Dictionary<string, string> { [Label] = "1" },
            HostConfig = new HostConfig
            {
                Mounts = mounts,
                NetworkMode = request.Network ? "bridge" : "none",
                Memory = request.MemoryBytes,
                MemorySwap = request.MemoryBytes, // equal to Memory: no swap on top
                PidsLimit = request.MaxProcesses,
                NanoCPUs = options.DockerCpus is { } cpus ? (long)(cpus * 1_000_000_000) : 0,
                ReadonlyRootfs = true,
                Tmpfs = new Dictionary<string, string> { ["/tmp"] = "rw,exec,nosuid,nodev" },
                // The sandbox removes the container itself once it has read the exit code and the
                // OOM flag; with AutoRemove the engine may delete it before either can be read.
                AutoRemove = false,
                UsernsMode = string.IsNullOrWhiteSpace(options.DockerUsernsMode) ? null : options.DockerUsernsMode,
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges"],
                Init = true, // reaps zombies and passes the kill on to the whole tree
                Ulimits = Ulimits(request),
            },
        };
    }

    /// <summary>The same per-process limits as under bubblewrap; the engine passes the values to setrlimit as they are.</summary>
    static IList<Ulimit> Ulimits(SandboxRequest request)
    {
        List<Ulimit> limits =
        [
            new() { Name = "nofile", Soft = request.MaxOpenFiles, Hard = request.MaxOpenFiles },
            new() { Name = "fsize", Soft = request.MaxFileBytes, Hard = request.MaxFileBytes },
            // The process limit is the pids cgroup (PidsLimit). This one is named anyway: Podman given some
            // ulimits and not nproc starts no container at all ("error setting rlimit type 6").
            new() { Name = "nproc", Soft = ProcessRlimit, Hard = ProcessRlimit },
        ];
        if (request.MaxCpuTime is { } cpu)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling(cpu.TotalSeconds));
            limits.Add(new Ulimit { Name = "cpu", Soft = seconds, Hard = seconds });
        }

        return limits;
    }

    static Mount Bind(string path, bool readOnly) => new() { Type = "bind", Source = path, Target = path, ReadOnly = readOnly };
}
