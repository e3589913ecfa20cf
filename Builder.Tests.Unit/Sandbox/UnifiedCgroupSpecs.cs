using Builder.Worker.Sandbox.Cgroups;
using Microsoft.Extensions.Logging.Abstractions;

namespace Builder.Tests.Sandbox;

/// <summary>
/// The cgroup v2 layout against a folder tree standing in for /sys/fs/cgroup: what the worker
/// writes and reads. The kernel's enforcement itself cannot be shown on hosts whose controllers
/// sit on v1 hierarchies (a controller lives in one hierarchy at a time).
/// </summary>
public sealed class UnifiedCgroupSpecs : IDisposable
{
    const string Own = "/system.slice/builder.service";
    readonly string _mount = Directory.CreateTempSubdirectory("builder-cgroup2-").FullName;

    public void Dispose() => Directory.Delete(_mount, recursive: true);

    string OwnFolder => Path.Combine(_mount, Own.Trim('/'));

    UnifiedCgroupParent Parent(string controllers = "cpuset cpu io memory pids")
    {
        Directory.CreateDirectory(OwnFolder);
        File.WriteAllText(Path.Combine(OwnFolder, "cgroup.controllers"), controllers);
        File.WriteAllText(Path.Combine(OwnFolder, "cgroup.procs"), "4242\n4243\n");
        return UnifiedCgroupParent.Prepare(_mount, Own, "builder", 4242, NullLogger.Instance).ShouldNotBeNull();
    }

    [Fact]
    public void The_worker_moves_into_a_leaf_and_hands_memory_pids_and_cpu_to_the_runs_parent()
    {
        var parent = Parent();

        parent.Folder.ShouldBe(Path.Combine(OwnFolder, "builder"));
        parent.Missing.ShouldBeEmpty();
        File.ReadAllText(Path.Combine(OwnFolder, "worker", "cgroup.procs")).ShouldContain("4242");
        File.ReadAllText(Path.Combine(OwnFolder, "cgroup.subtree_control")).ShouldBe("+memory +pids +cpu");
        File.ReadAllText(Path.Combine(parent.Folder, "cgroup.subtree_control")).ShouldBe("+memory +pids +cpu");
    }

    [Fact]
    public void A_run_gets_memory_without_swap_a_process_count_and_a_cpu_quota_in_one_folder()
    {
        var run = UnifiedRunCgroup.Create(Parent(), 512L * 1024 * 1024, 64, cpuCores: 0.5, NullLogger.Instance);

        var folder = Path.GetDirectoryName(run.ProcsFiles.ShouldHaveSingleItem())!;
        Path.GetDirectoryName(folder).ShouldBe(Path.Combine(OwnFolder, "builder"));
        File.ReadAllText(Path.Combine(folder, "memory.max")).ShouldBe("536870912");
        File.ReadAllText(Path.Combine(folder, "memory.swap.max")).ShouldBe("0");
        File.ReadAllText(Path.Combine(folder, "pids.max")).ShouldBe("64");
        File.ReadAllText(Path.Combine(folder, "cpu.max")).ShouldBe("50000 100000");
        run.Notices.ShouldBeEmpty();
    }

    [Fact]
    public void The_kernels_counters_name_the_limit_that_ended_the_run_and_the_folder_goes_with_it()
    {
        var run = UnifiedRunCgroup.Create(Parent(), 1L << 30, 64, null, NullLogger.Instance);
        var folder = Path.GetDirectoryName(run.ProcsFiles[0])!;
        File.WriteAllText(Path.Combine(folder, "cgroup.procs"), "");
        File.WriteAllText(Path.Combine(folder, "memory.events"), "low 0\nhigh 0\nmax 12\noom 1\noom_kill 0\n");
        File.WriteAllText(Path.Combine(folder, "pids.events"), "max 0\n");
        run.LimitHit().ShouldBeNull();

        File.WriteAllText(Path.Combine(folder, "pids.events"), "max 3\n");
        run.LimitHitOnceStopped().ShouldBe("processes");
        File.WriteAllText(Path.Combine(folder, "memory.events"), "oom 1\noom_kill 1\n");
        run.LimitHit().ShouldBe("memory");

        run.Remove();
        Directory.Exists(folder).ShouldBeFalse();
    }

    [Fact]
    public void A_controller_the_host_does_not_delegate_becomes_a_notice_naming_the_missing_limit()
    {
        var parent = Parent(controllers: "memory pids");

        var run = UnifiedRunCgroup.Create(parent, 1L << 30, 64, cpuCores: 1, NullLogger.Instance);

        parent.Missing.ShouldBe(["cpu"]);
        File.ReadAllText(Path.Combine(parent.Folder, "cgroup.subtree_control")).ShouldBe("+memory +pids");
        run.Notices.ShouldContain(n => n.Contains("no CPU quota"));
        File.Exists(Path.Combine(Path.GetDirectoryName(run.ProcsFiles[0])!, "cpu.max")).ShouldBeFalse();
    }
}
