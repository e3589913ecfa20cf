using System.Globalization;
using Builder.Worker.Sandbox.Cgroups;
using Builder.Worker.Sandbox.Egress;
using Builder.Worker.Sandbox.Ingress;
using Microsoft.Extensions.Options;

namespace Builder.Worker.Sandbox.Bubblewrap;

/// <summary>
/// Runs a command under bubblewrap (see <see cref="BubblewrapPlan"/> for what it sees) inside
/// per-run cgroup v1 memory and pids cgroups. A limit the kernel enforced ends the run at once:
/// after an OOM kill or a refused fork the rest of a build only produces confusing errors.
/// </summary>
public sealed class BubblewrapSandbox(CommandRunner runner, IOptions<SandboxOptions> options, ILogger<BubblewrapSandbox> logger) : ISandbox, IDisposable
{
    static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(200);

    // On a host with only the unified (v2) hierarchy, runs get one v2 cgroup each under this folder.
    readonly UnifiedCgroupParent? _unified = options.Value.UseCgroups ? UnifiedCgroupParent.Prepare(options.Value.CgroupParent, logger) : null;
    readonly CgroupSpares? _spares = SparesFor(options.Value, logger);
    readonly SandboxUser? _user = SandboxUser.Resolve(options.Value.RunAs, logger);

    /// <summary>Who commands run as; null when they run as the worker's own user.</summary>
    public SandboxUser? User => _user;

    static CgroupSpares? SparesFor(SandboxOptions settings, ILogger logger)
    {
        if (!settings.UseCgroups || CgroupHierarchy.UnifiedOnly() is not null)
            return null;
        var spares = new CgroupSpares(settings.CgroupParent, logger);
        spares.Replenish(); // so the first command after start already finds a warm pair
        return spares;
    }

    public void Dispose() => _spares?.Dispose();

    // Runs as the first process of the run, as the worker's user: sets the per-process limits (soft
    // and hard, so nothing inside can raise them), joins the cgroups before anything can fork, makes
    // the run the host OOM killer's first choice, hands the writable folders to the sandbox user,
    // then becomes bubblewrap under that user with no capabilities and no way to gain any.
    // Arguments: open files, file size in 512-byte blocks, CPU seconds (0: none), uid, gid ("-":
    // stay the worker's user), cgroup.procs files, "--", writable folders, "--", the command line.
    // The CPU hard limit is a second above the soft one: at the soft limit the kernel sends SIGXCPU,
    // which the shell reports by name; at the hard limit only an anonymous SIGKILL.
    const string JoinCgroupsThenExec = """
        ulimit -n "$1" && ulimit -f "$2" || { echo "[builder] could not set the open-file and file-size limits" >&2; exit 125; }
        [ "$3" = 0 ] || { ulimit -S -t "$3" && ulimit -H -t $(($3 + 1)); } || { echo "[builder] could not set the CPU-time limit" >&2; exit 125; }
        uid=$4 gid=$5
        shift 5
        { echo 1000 > /proc/self/oom_score_adj; } 2>/dev/null
        while [ "$1" != -- ]; do
          echo $$ > "$1" || { echo "[builder] could not join the cgroup $1" >&2; exit 125; }
          shift
        done
        shift
        while [ "$1" != -- ]; do
          # A shared cache may lose files to another run's sandbox while this walks it: only what is still there and not handed over is a failure.
          [ "$uid" = - ] || find "$1" -xdev \( ! -uid "$uid" -o ! -gid "$gid" \) -exec chown -h "$uid:$gid" {} + 2>/dev/null \
            || [ -z "$(find "$1" -xdev \( ! -uid "$uid" -o ! -gid "$gid" \) -print -quit 2>/dev/null)" ] \
            || { echo "[builder] could not hand $1 to the sandbox user" >&2; exit 125; }
          shift
        done
        shift
        [ "$uid" = - ] && exec "$@"
        exec setpriv --reuid="$uid" --regid="$gid" --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs "$@"
        """;

    public string Name => "bubblewrap";

    public async Task<SandboxResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken, Action<string>? onLine = null)
    {
        var settings = options.Value;
        request = settings.Clamp(request);
        await using var egress = EgressGate.Open(request, settings.SearchPath, logger, out var egressNotice);
        if (egress is not null)
            request = egress.Apply(request);
        await using var ingress = IngressGate.Open(request, settings.SearchPath, logger, out var ingressNotice, out request);
        var plan = BubblewrapPlan.For(request, settings.HiddenPaths, settings.ReadOnlyPaths, settings.SearchPath);
        var user = _user;
        if (user is not null && plan.Sources.FirstOrDefault(source => !SandboxUser.CanTraverseTo(source)) is { } unreachable)
        {
            plan = plan with { Notices = [.. plan.Notices, $"ran as the worker's user, not {user.Name}: {unreachable} lies in a folder other users cannot enter"] };
            user = null;
        }

        IRunCgroups cgroups = !settings.UseCgroups
            ? RunCgroups.None("cgroups are switched off (UseCgroups=false): no memory or process-count limit")
            : _unified is { } unified
                ? UnifiedRunCgroup.Create(unified, request.MemoryBytes, request.MaxProcesses, request.CpuCores, logger)
                : RunCgroups.Create(settings.CgroupParent, request.MemoryBytes, request.MaxProcesses, logger, _spares, request.CpuCores);
        var notices = plan.Notices.Concat(cgroups.Notices).Concat(new[] { egressNotice, ingressNotice }.OfType<string>()).ToList();

        string? stoppedBy = null;
        using var watching = new CancellationTokenSource();
        var watch = Task.WhenAll(
            WatchAsync(cgroups, reason => stoppedBy ??= reason, watching.Token),
            request.MaxDiskBytes is { } disk ? WatchDiskAsync(plan.Writable, disk, cgroups, reason => stoppedBy ??= reason, watching.Token) : Task.CompletedTask);
        try
        {
            var result = await runner.RunAsync(Spec(request, plan, cgroups, settings, user), cancellationToken, onLine);
            await StopAsync(watching, watch);
            var limit = result.TimedOut ? "timeout" : stoppedBy ?? cgroups.LimitHitOnceStopped() ?? ProcessLimitHit(result);
            var output = result.Output;
            if (limit is "memory" or "processes" or "file size" or "cpu time" or "disk")
            {
                var line = Explain(limit, request);
                output += line + "\n";
                onLine?.Invoke(line);
            }

            var denied = egress?.Denied ?? [];
            foreach (var denial in denied)
            {
                var line = $"[builder] egress refused: {denial.Host}:{denial.Port} is not an allowed host (settings.egress)";
                output += line + "\n";
                onLine?.Invoke(line);
            }

            return new SandboxResult(result.ExitCode, output, result.Duration) { LimitHit = limit, Notices = notices, EgressDenied = denied };
        }
        finally
        {
            await StopAsync(watching, watch);
            cgroups.Remove();
            _spares?.Replenish();
        }
    }

    public static CommandSpec Spec(SandboxRequest request, BubblewrapPlan plan, IRunCgroups cgroups, SandboxOptions settings, SandboxUser? user)
    {
        var fileBlocks = (request.MaxFileBytes + 511) / 512;
        var cpuSeconds = request.MaxCpuTime is { } cpu ? Math.Max(1, (long)Math.Ceiling(cpu.TotalSeconds)) : 0;
        List<string> arguments =
        [
            "-c", JoinCgroupsThenExec, "builder-sandbox",
            request.MaxOpenFiles.ToString(CultureInfo.InvariantCulture), fileBlocks.ToString(CultureInfo.InvariantCulture),
            cpuSeconds.ToString(CultureInfo.InvariantCulture),
            user?.Uid.ToString(CultureInfo.InvariantCulture) ?? "-", user?.Gid.ToString(CultureInfo.InvariantCulture) ?? "-",
            .. cgroups.ProcsFiles, "--", .. plan.Writable, "--",
        ];

        // The options travel on standard input (--args 0), not on the command line: host processes
        // can read command lines, and the request's variables may hold tokens.
        arguments.AddRange([settings.BubblewrapPath, "--args", "0", "--", "bash", "-c", request.Command]);
        return new CommandSpec("sh", arguments, HostPaths.Normalize(request.Workspace))
        {
            // The request's variables reach the command through --setenv only, never bubblewrap
            // itself: LD_PRELOAD and the like would otherwise run inside a root process on the host.
            Environment = new Dictionary<string, string?> { ["PATH"] = settings.SearchPath, ["LANG"] = "C.UTF-8" },
            InheritEnvironment = false,
            StandardInput = string.Join('\0', plan.Options) + '\0',
            Timeout = request.Timeout,
            MaxOutputChars = request.MaxOutputChars,
        };
    }

    async Task WatchAsync(IRunCgroups cgroups, Action<string> stopped, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(WatchInterval, cancellationToken);
                if (cgroups.LimitHit() is not { } limit)
                    continue;
                logger.LogInformation("A sandboxed command hit its {Limit} limit and is being stopped", limit);
                stopped(limit);
                cgroups.KillAll();
                return;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Stops the run once it has added more than <paramref name="limit"/> bytes to its writable
    /// folders. Measured every <see cref="SandboxOptions.DiskCheckInterval"/>: the per-file size
    /// limit bounds what one interval can add.
    /// </summary>
    async Task WatchDiskAsync(IReadOnlyList<string> folders, long limit, IRunCgroups cgroups, Action<string> stopped, CancellationToken cancellationToken)
    {
        try
        {
            var before = await Task.Run(() => DiskUsage.Of(folders), cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(options.Value.DiskCheckInterval, cancellationToken);
                var added = await Task.Run(() => DiskUsage.Of(folders), cancellationToken) - before;
                if (added <= limit)
                    continue;
                logger.LogInformation("A sandboxed command wrote {Added} bytes, over its disk limit of {Limit}, and is being stopped", added, limit);
                stopped("disk");
                cgroups.KillAll();
                return;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    static async Task StopAsync(CancellationTokenSource watching, Task watch)
    {
        if (!watching.IsCancellationRequested)
            await watching.CancelAsync();
        await watch;
    }

    static string Explain(string limit, SandboxRequest request) => limit switch
    {
        "memory" => $"[builder] stopped: the command used more than its memory limit of {request.MemoryBytes / (1024 * 1024)} MiB",
        "file size" => $"[builder] stopped: a process wrote a file larger than the limit of {request.MaxFileBytes / (1024 * 1024)} MiB",
        "cpu time" => $"[builder] stopped: a process used more than its {request.MaxCpuTime?.TotalSeconds:0} s of CPU time",
        "disk" => $"[builder] stopped: the command wrote more than its disk limit of {request.MaxDiskBytes / (1024 * 1024)} MiB",
        _ => $"[builder] stopped: the command tried to run more than {request.MaxProcesses} processes at once",
    };

    /// <summary>
    /// The kernel ends a process past RLIMIT_FSIZE or RLIMIT_CPU with SIGXFSZ or SIGXCPU: the shell
    /// exits 128+25 or 128+24, or reports the child's death in words when the shell itself goes on.
    /// </summary>
    static string? ProcessLimitHit(CommandResult result) => result switch
    {
        { ExitCode: 153 } => "file size",
        { ExitCode: 152 } => "cpu time",
        _ when result.Output.Contains("File size limit exceeded", StringComparison.Ordinal) => "file size",
        _ when result.Output.Contains("CPU time limit exceeded", StringComparison.Ordinal) => "cpu time",
        _ => null,
    };

    /// <summary>Whether bubblewrap exists and can make its namespaces here; null when it can, else why not.</summary>
    public static async Task<string?> ProbeAsync(CommandRunner runner, SandboxOptions settings, CancellationToken cancellationToken)
    {
        if (Executables.Find(settings.BubblewrapPath, settings.SearchPath) is null)
            return $"bubblewrap ({settings.BubblewrapPath}) is not installed";

        var spec = new CommandSpec(settings.BubblewrapPath,
            ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-all", "--unshare-user", "--disable-userns",
             "--cap-drop", "ALL", "--die-with-parent", "--new-session", "--", "true"], "/")
        {
            Environment = new Dictionary<string, string?> { ["PATH"] = settings.SearchPath },
            InheritEnvironment = false,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var result = await runner.RunAsync(spec, cancellationToken);
        return result.Succeeded ? null
            : $"bubblewrap cannot create its namespaces here (exit {result.ExitCode}{(result.TimedOut ? ", timed out" : "")}): {result.Tail(3).Trim()}";
    }
}
