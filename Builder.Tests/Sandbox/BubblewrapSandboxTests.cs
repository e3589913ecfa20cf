using System.Net;
using System.Net.Sockets;
using Builder.Worker.Sandbox;
using Builder.Worker.Sandbox.Cgroups;
using Xunit.Abstractions;

namespace Builder.Tests.Sandbox;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SandboxCollection
{
    // Fork bombs and memory hogs must not compete with the rest of the suite on a 2-core machine.
    public const string Name = "Sandbox (runs alone)";
}

/// <summary>Untrusted commands through the real bubblewrap sandbox: each escape attempt fails, says why, and leaves the host as it was.</summary>
[Collection(SandboxCollection.Name)]
public sealed class BubblewrapSandboxTests(ITestOutputHelper log) : IDisposable
{
    static readonly TimeSpan Generous = TimeSpan.FromMinutes(2);
    readonly SandboxTestFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    /// <summary>As the worker configures it: its data folder hidden (AddSandbox adds it to HiddenPaths).</summary>
    SandboxOptions WorkerOptions() => new() { HiddenPaths = [_folders.DataDirectory] };

    async Task<SandboxResult> Run(string command, Func<SandboxRequest, SandboxRequest>? adjust = null, SandboxOptions? options = null)
    {
        var request = new SandboxRequest(command, _folders.Workspace) { Timeout = Generous };
        using var sandbox = SandboxFactory.Bubblewrap(options ?? WorkerOptions());
        var result = await sandbox.RunAsync(adjust is null ? request : adjust(request), CancellationToken.None);
        log.WriteLine($"exit {result.ExitCode}, limit {result.LimitHit ?? "none"}, {result.Duration.TotalMilliseconds:0} ms, notices: {string.Join("; ", result.Notices)}");
        log.WriteLine(result.Tail(15));
        return result;
    }

    [Fact]
    public async Task A_plain_command_runs_in_the_workspace_and_its_output_is_captured()
    {
        var result = await Run("pwd; echo to-stderr >&2; echo made > made.txt");

        result.Succeeded.ShouldBeTrue(result.Output);
        result.Output.ShouldContain(_folders.Workspace);
        result.Output.ShouldContain("to-stderr");
        File.ReadAllText(Path.Combine(_folders.Workspace, "made.txt")).ShouldBe("made\n");
    }

    [Fact]
    public async Task A_run_outlives_the_thread_that_started_it()
    {
        // bubblewrap's parent-death signal follows the thread that forked it, and thread-pool
        // threads come and go: the run must not die with whichever thread started it.
        using var sandbox = SandboxFactory.Bubblewrap(WorkerOptions());
        Task<SandboxResult>? running = null;
        var starter = new Thread(() =>
        {
            running = sandbox.RunAsync(new SandboxRequest("sleep 1; echo survived", _folders.Workspace) { Timeout = Generous }, CancellationToken.None);
            Thread.Sleep(300);
        });
        starter.Start();
        starter.Join();

        var result = await running!;

        result.Succeeded.ShouldBeTrue($"exit {result.ExitCode}: {result.Output}");
        result.Output.ShouldContain("survived");
    }

    [Fact]
    public async Task Without_network_a_connection_to_a_host_port_never_arrives()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var result = await Run($"exec 3<>/dev/tcp/127.0.0.1/{port} && echo CONNECTED");

        result.Succeeded.ShouldBeFalse();
        result.Output.ShouldNotContain("CONNECTED");
        result.Output.ShouldContain("Connection refused");
        await Consistently.True(() => Task.FromResult(!listener.Pending()), "no connection at the host listener from the sandbox", TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task With_network_the_same_connection_arrives()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = listener.AcceptTcpClientAsync();

        var result = await Run($"exec 3<>/dev/tcp/127.0.0.1/{port} && echo CONNECTED", r => r with { Network = true });

        result.Succeeded.ShouldBeTrue(result.Output);
        result.Output.ShouldContain("CONNECTED");
        using var client = await accepted.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Writes_outside_the_workspace_fail_and_leave_nothing_on_the_host()
    {
        var name = $"builder-sandbox-{Guid.NewGuid():N}";
        var targets = new[]
        {
            $"/etc/{name}",
            $"/usr/local/{name}",
            Path.Combine(_folders.DataDirectory, name), // the worker's data folder, beside the workspace
            Path.Combine(_folders.DataDirectory, "workspaces", name),
        };
        var script = string.Join('\n', targets.Select((t, i) => $"touch '{t}' && echo WROTE{i}")) +
                     $"\ntouch \"$HOME/../{name}\" && echo WROTE-HOME-PARENT" +
                     $"\necho overwritten > '{_folders.SecretFile}' && echo WROTE-SECRET" +
                     "\ntrue";

        var result = await Run(script);

        // The host's folders are read-only; the data folder is not mounted at all, so its path lands
        // in the sandbox's own scratch memory (/var/tmp here) and is gone when the command ends.
        result.Output.ShouldNotContain("WROTE0");
        result.Output.ShouldNotContain("WROTE1");
        result.Output.ShouldNotContain("WROTE-HOME-PARENT");
        result.Output.ShouldContain("Read-only file system");
        foreach (var target in targets)
            File.Exists(target).ShouldBeFalse(target);
        File.Exists($"/home/{name}").ShouldBeFalse();
        File.Exists($"/{name}").ShouldBeFalse();
        File.ReadAllText(_folders.SecretFile).ShouldBe(SandboxTestFolders.SecretText);
    }

    [Fact]
    public async Task The_worker_data_beside_the_workspace_cannot_be_read()
    {
        var result = await Run($"cat '{_folders.SecretFile}'; cat '{_folders.OtherWorkspaceFile}'; " +
                               $"ls -A '{_folders.DataDirectory}' '{_folders.DataDirectory}/workspaces' | sed 's/^/ENTRY:/'");

        result.Output.ShouldNotContain(SandboxTestFolders.SecretText);
        result.Output.ShouldNotContain(SandboxTestFolders.OtherWorkspaceText);
        result.Output.ShouldNotContain("ENTRY:builder.db");
        result.Output.ShouldNotContain("ENTRY:other");
        result.Output.ShouldContain("ENTRY:ws");
    }

    [Fact]
    public async Task Without_configuration_the_workspaces_siblings_are_still_hidden()
    {
        var result = await Run($"cat '{_folders.OtherWorkspaceFile}'; ls -A '{_folders.DataDirectory}/workspaces' | sed 's/^/ENTRY:/'", options: new SandboxOptions());

        result.Output.ShouldNotContain(SandboxTestFolders.OtherWorkspaceText);
        result.Output.ShouldNotContain("ENTRY:other");
        result.Output.ShouldContain("ENTRY:ws");
    }

    [Fact]
    public async Task Configured_hidden_folders_cannot_be_read()
    {
        var secrets = _folders.Folder("etc-builder");
        File.WriteAllText(Path.Combine(secrets, "appsettings.Production.json"), "{ \"ConnectionStrings\": \"hunter2-db\" }");

        var options = WorkerOptions();
        options.HiddenPaths.Add(secrets);

        var result = await Run($"cat '{secrets}/appsettings.Production.json'; true", options: options);

        result.Output.ShouldNotContain("hunter2-db");
    }

    [Fact]
    public async Task The_hosts_root_home_is_hidden_even_from_a_command_that_unmounts_it()
    {
        var marker = $"/root/.builder-sandbox-test-{Guid.NewGuid():N}";
        var content = $"root-secret-{Guid.NewGuid():N}";
        Directory.CreateDirectory(marker);
        try
        {
            File.WriteAllText(Path.Combine(marker, "secret"), content);

            var result = await Run($"cat {marker}/secret; umount /root; umount -l /root; cat {marker}/secret; ls -A /root | sed 's/^/ENTRY:/'");

            result.Output.ShouldNotContain(content);
            result.Output.ShouldNotContain("ENTRY:");
            result.Output.ShouldContain("No such file or directory");
        }
        finally
        {
            Directory.Delete(marker, recursive: true);
        }
    }

    [Fact]
    public async Task The_workers_environment_does_not_reach_the_command()
    {
        var secret = $"fake-secret-{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable("BUILDER_TEST_FAKE_SECRET", secret);
        try
        {
            var result = await Run("env", r => r with { Environment = new Dictionary<string, string?> { ["FEATURE_FLAG"] = "on" } });

            result.Succeeded.ShouldBeTrue(result.Output);
            result.Output.ShouldNotContain(secret);
            result.Output.ShouldNotContain("BUILDER_TEST_FAKE_SECRET");
            result.Output.ShouldContain("FEATURE_FLAG=on");
            result.Output.ShouldContain("HOME=/home/sandbox");
        }
        finally
        {
            Environment.SetEnvironmentVariable("BUILDER_TEST_FAKE_SECRET", null);
        }
    }

    [Fact]
    public async Task Home_is_a_private_writable_tmpfs()
    {
        var result = await Run("touch $HOME/.cache-probe && ls -a $HOME && df -T $HOME | tail -1");

        result.Succeeded.ShouldBeTrue(result.Output);
        result.Output.ShouldContain(".cache-probe");
        result.Output.ShouldContain("tmpfs");
        File.Exists("/home/sandbox/.cache-probe").ShouldBeFalse();
    }

    [Fact]
    public async Task A_fork_bomb_is_stopped_by_the_process_limit()
    {
        var before = SandboxFactory.ProcessCount();

        // Every process waits for the pipeline it started, so the bomb only ends once a fork is refused
        // (or it is killed). One that backgrounds its pipelines lets the shell exit 0 at once, and the
        // sandbox's end then kills the rest, often before they reached the limit.
        var result = await Run("bomb() { bomb | bomb; }; bomb", r => r with { MaxProcesses = 64 });

        result.LimitHit.ShouldBe("processes", result.Tail());
        result.Succeeded.ShouldBeFalse();
        result.Duration.ShouldBeLessThan(TimeSpan.FromSeconds(60));
        result.Output.ShouldContain("more than 64 processes");
        await WaitUntil(() => SandboxFactory.ProcessCount() <= before + 5, TimeSpan.FromSeconds(10));
        SandboxFactory.ProcessCount().ShouldBeLessThanOrEqualTo(before + 5);
    }

    [Fact]
    public async Task A_refused_fork_is_reported_even_when_the_command_then_exits_0()
    {
        // dash gives up at the first refused fork (bash would retry for seconds); the sleepers hold
        // the count at the limit until the run ends.
        var result = await Run("sh -c 'while :; do sleep 600 & done' 2>/dev/null; exit 0", r => r with { MaxProcesses = 32 });

        result.LimitHit.ShouldBe("processes", result.Tail());
        result.Succeeded.ShouldBeFalse();
        result.Output.ShouldContain("more than 32 processes");
    }

    [Fact]
    public async Task Allocating_far_past_the_memory_limit_ends_with_memory()
    {
        // tail keeps a line until it ends, and this one never does.
        var result = await Run("head -c 2G /dev/zero | tail; echo exit=$?", r => r with { MemoryBytes = 256L * 1024 * 1024 });

        result.LimitHit.ShouldBe("memory", result.Tail());
        result.Succeeded.ShouldBeFalse();
        result.Output.ShouldContain("memory limit of 256 MiB");
    }

    [Fact]
    public async Task A_file_past_the_file_size_limit_ends_the_run_with_the_limit_named()
    {
        // The same repository's ordinary output still fits: the limit is per file.
        var fits = await Run("head -c 1M /dev/zero > ok.bin && echo FITS", r => r with { MaxFileBytes = 4L * 1024 * 1024 });
        fits.Succeeded.ShouldBeTrue(fits.Tail());
        fits.Output.ShouldContain("FITS");

        var result = await Run("head -c 64M /dev/zero > big.bin; echo exit=$?", r => r with { MaxFileBytes = 4L * 1024 * 1024 });

        result.LimitHit.ShouldBe("file size", result.Tail());
        result.Succeeded.ShouldBeFalse();
        result.Output.ShouldContain("larger than the limit of 4 MiB");
        new FileInfo(Path.Combine(_folders.Workspace, "big.bin")).Length.ShouldBeLessThanOrEqualTo(4L * 1024 * 1024);
    }

    [Fact]
    public async Task A_process_burning_cpu_is_stopped_by_its_cpu_time_limit()
    {
        var result = await Run("sh -c 'while :; do :; done'; echo exit=$?", r => r with { MaxCpuTime = TimeSpan.FromSeconds(1) });

        result.LimitHit.ShouldBe("cpu time", result.Tail());
        result.Succeeded.ShouldBeFalse();
        result.Output.ShouldContain("1 s of CPU time");
        result.TimedOut.ShouldBeFalse("the CPU-time limit ends it long before the wall-clock timeout");
    }

    [Fact]
    public async Task Open_files_are_limited_and_the_limit_cannot_be_raised_inside()
    {
        var result = await Run("ulimit -n; ulimit -Hn; ulimit -n 100000 2>/dev/null && echo RAISED || echo REFUSED", r => r with { MaxOpenFiles = 256 });

        result.Succeeded.ShouldBeTrue(result.Tail());
        result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ShouldBe(["256", "256", "REFUSED"]);
    }

    [Fact]
    public async Task An_endless_loop_ends_at_the_timeout_with_no_process_left()
    {
        var marker = $"1000.{Random.Shared.Next(100_000, 999_999)}";

        var result = await Run($"sleep {marker} & (sleep {marker}; true) & while :; do :; done", r => r with { Timeout = TimeSpan.FromSeconds(3) });

        result.LimitHit.ShouldBe("timeout");
        result.TimedOut.ShouldBeTrue();
        result.Duration.ShouldBeLessThan(TimeSpan.FromSeconds(30));
        await WaitUntil(() => SandboxFactory.ProcessesWith(marker).Count == 0, TimeSpan.FromSeconds(5));
        SandboxFactory.ProcessesWith(marker).ShouldBeEmpty();
    }

    [Fact]
    public async Task Cancellation_kills_the_tree_and_removes_the_runs_cgroups()
    {
        var marker = $"1000.{Random.Shared.Next(100_000, 999_999)}";
        // A parent of its own: under the shared one, other workers' runs come and go.
        var options = WorkerOptions();
        options.CgroupParent = $"builder-test-{Guid.NewGuid():N}";
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var request = new SandboxRequest($"sleep {marker} & sleep {marker}", _folders.Workspace) { Timeout = Generous };

        using (var sandbox = SandboxFactory.Bubblewrap(options))
            await Should.ThrowAsync<OperationCanceledException>(() => sandbox.RunAsync(request, cancel.Token));

        await WaitUntil(() => SandboxFactory.ProcessesWith(marker).Count == 0, TimeSpan.FromSeconds(5));
        SandboxFactory.ProcessesWith(marker).ShouldBeEmpty();
        foreach (var controller in new[] { "memory", "pids" })
        {
            var (parent, _) = CgroupHierarchy.ParentFolder(controller, options.CgroupParent);
            if (parent is null || !Directory.Exists(parent))
                continue;
            // Spares still being made when the sandbox was disposed remove themselves when done.
            await WaitUntil(() => Directory.GetDirectories(parent).Length == 0, TimeSpan.FromSeconds(10));
            Directory.GetDirectories(parent).ShouldBeEmpty($"{controller} cgroups left behind");
            // The test's own parent: the kernel may still be releasing a child it just removed (EBUSY) on a loaded machine.
            await WaitUntil(() =>
            {
                try
                {
                    Directory.Delete(parent);
                    return true;
                }
                catch (IOException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task Output_beyond_the_cap_keeps_its_tail()
    {
        var result = await Run("seq 1 200000", r => r with { MaxOutputChars = 2000 });

        result.Succeeded.ShouldBeTrue();
        result.Output.Length.ShouldBeLessThan(2200);
        result.Output.ShouldContain("earlier characters of output were dropped");
        result.Output.TrimEnd().ShouldEndWith("200000");
    }

    [Fact]
    public async Task Binds_are_shown_read_only_or_writable_as_asked()
    {
        var cache = _folders.Folder("packages");
        File.WriteAllText(Path.Combine(cache, "package.nupkg"), "cached");
        var reports = _folders.Folder("reports");

        var result = await Run($"cat {cache}/package.nupkg; touch {cache}/new && echo WROTE-CACHE; echo ok > {reports}/report.trx",
            r => r with { ReadOnlyBinds = [cache], WritableBinds = [reports] });

        result.Output.ShouldContain("cached");
        result.Output.ShouldNotContain("WROTE-CACHE");
        File.Exists(Path.Combine(cache, "new")).ShouldBeFalse();
        File.ReadAllText(Path.Combine(reports, "report.trx")).ShouldBe("ok\n");
    }

    [Fact]
    public async Task A_workspace_under_tmp_is_bound_over_the_private_tmp()
    {
        using var underTmp = new SandboxTestFolders(Path.GetTempPath());
        var request = new SandboxRequest("echo hi > out.txt; ls /tmp", underTmp.Workspace) { Timeout = Generous };

        using var sandbox = SandboxFactory.Bubblewrap();
        var result = await sandbox.RunAsync(request, CancellationToken.None);

        result.Succeeded.ShouldBeTrue(result.Output);
        File.ReadAllText(Path.Combine(underTmp.Workspace, "out.txt")).ShouldBe("hi\n");
        result.Output.ShouldNotContain(SandboxTestFolders.SecretText);
    }

    [Fact]
    public async Task A_git_worktree_workspace_can_read_its_own_repository_only()
    {
        var mirror = Path.Combine(_folders.DataDirectory, "mirrors", "repo.git");
        var seed = _folders.Folder("seed");
        Git(seed, "init", "--quiet", "--initial-branch", "main");
        File.WriteAllText(Path.Combine(seed, "a.txt"), "a");
        Git(seed, "add", "a.txt");
        Git(seed, "-c", "user.name=T", "-c", "user.email=t@localhost", "commit", "--quiet", "-m", "first commit");
        Git(_folders.Root, "clone", "--quiet", "--bare", seed, mirror);
        var workspace = Path.Combine(_folders.DataDirectory, "workspaces", "wt");
        Git(mirror, "worktree", "add", "--quiet", workspace, "main");

        var request = new SandboxRequest($"git log -1 --format=%s; cat '{_folders.SecretFile}'; true", workspace) { Timeout = Generous };
        using var sandbox = SandboxFactory.Bubblewrap(WorkerOptions());
        var result = await sandbox.RunAsync(request, CancellationToken.None);

        result.Output.ShouldContain("first commit");
        result.Output.ShouldNotContain(SandboxTestFolders.SecretText);
    }

    [Fact]
    public async Task A_rewritten_dot_git_file_cannot_expose_another_host_folder()
    {
        // An earlier command (restore) rewrote .git: once to the data folder itself, once to a
        // worktree folder whose link back names another workspace.
        var fakeWorktree = Path.Combine(_folders.DataDirectory, "worktrees", "x");
        Directory.CreateDirectory(Path.Combine(_folders.DataDirectory, "objects"));
        Directory.CreateDirectory(fakeWorktree);
        File.WriteAllText(Path.Combine(fakeWorktree, "gitdir"), "/elsewhere/.git\n");

        foreach (var target in new[] { _folders.DataDirectory, fakeWorktree })
        {
            File.WriteAllText(Path.Combine(_folders.Workspace, ".git"), $"gitdir: {target}\n");

            var result = await Run($"cat '{_folders.SecretFile}'; true");

            result.Output.ShouldNotContain(SandboxTestFolders.SecretText);
        }
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task RunAs_runs_the_command_as_an_unprivileged_user()
    {
        File.SetUnixFileMode(_folders.Workspace, (UnixFileMode)0b111_111_111);
        // A root-only file the masks do not cover (think of a service's key somewhere under /etc or /var).
        var key = Path.Combine(_folders.Folder("service"), "private.key");
        File.WriteAllText(key, "root-only-key");
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var options = WorkerOptions();
        options.RunAs = "65534:65534";

        var result = await Run($"id -u; cat /etc/passwd > /dev/null && echo READ-PASSWD; cat '{key}'; touch made && touch $HOME/x && echo WROTE-OK", options: options);

        result.Output.ShouldContain("65534");
        result.Output.ShouldContain("READ-PASSWD");
        result.Output.ShouldNotContain("root-only-key");
        result.Output.ShouldContain("WROTE-OK");
    }

    static void Git(string folder, params string[] arguments) => Support.TestRepository.Git(folder, arguments);

    static Task WaitUntil(Func<bool> condition, TimeSpan limit) => Eventually.True(condition, "the sandboxed process to get there", limit);
}
