using Builder.Worker.Sandbox;
using Builder.Worker.Sandbox.Bubblewrap;
using Builder.Worker.Sandbox.Cgroups;

namespace Builder.Tests.Sandbox;

/// <summary>The mount order bubblewrap is given; the tests running commands show that it holds.</summary>
public sealed class BubblewrapPlanTests : IDisposable
{
    readonly SandboxTestFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    static int IndexOf(IReadOnlyList<string> options, params string[] sequence)
    {
        for (var i = 0; i + sequence.Length <= options.Count; i++)
            if (sequence.Select((s, j) => options[i + j] == s).All(x => x))
                return i;
        return -1;
    }

    [Fact]
    public void A_workspace_under_tmp_is_bound_after_the_private_tmp()
    {
        using var underTmp = new SandboxTestFolders(Path.GetTempPath());

        var options = BubblewrapPlan.For(new SandboxRequest("true", underTmp.Workspace), [], [], "/usr/bin:/bin").Options;

        IndexOf(options, "--tmpfs", "/tmp").ShouldBeGreaterThanOrEqualTo(0);
        IndexOf(options, "--bind", underTmp.Workspace, underTmp.Workspace).ShouldBeGreaterThan(IndexOf(options, "--tmpfs", "/tmp"));
    }

    [Fact]
    public void A_hidden_data_folder_in_a_visible_system_folder_is_covered_made_read_only_and_then_the_workspace_is_bound_back()
    {
        using var underOpt = new SandboxTestFolders("/opt");
        var options = BubblewrapPlan.For(new SandboxRequest("true", underOpt.Workspace), [underOpt.DataDirectory], [], "/usr/bin:/bin").Options;

        var cover = IndexOf(options, "--tmpfs", underOpt.DataDirectory);
        var mountPoint = IndexOf(options, "--dir", underOpt.Workspace);
        var readOnly = IndexOf(options, "--remount-ro", underOpt.DataDirectory);
        var bind = IndexOf(options, "--bind", underOpt.Workspace, underOpt.Workspace);
        cover.ShouldBeGreaterThan(0);
        mountPoint.ShouldBeGreaterThan(cover);
        readOnly.ShouldBeGreaterThan(mountPoint);
        bind.ShouldBeGreaterThan(readOnly);
        // The workspace's parent is inside the data folder: covered once, by the outer mask.
        IndexOf(options, "--tmpfs", Path.GetDirectoryName(underOpt.Workspace)!).ShouldBe(-1);
    }

    [Fact]
    public void Only_the_hosts_system_folders_are_mounted_and_the_root_is_read_only_after_the_binds()
    {
        var options = BubblewrapPlan.For(new SandboxRequest("true", _folders.Workspace), [_folders.DataDirectory], [], "/usr/bin").Options;

        IndexOf(options, "--ro-bind", "/", "/").ShouldBe(-1);
        IndexOf(options, "--ro-bind", "/etc", "/etc").ShouldBeGreaterThanOrEqualTo(0);
        // Outside every mounted folder: nothing to cover, the path simply is not there.
        IndexOf(options, "--tmpfs", _folders.DataDirectory).ShouldBe(-1);
        IndexOf(options, "--tmpfs", "/root").ShouldBe(-1);
        IndexOf(options, "--remount-ro", "/").ShouldBeGreaterThan(IndexOf(options, "--bind", _folders.Workspace, _folders.Workspace));
    }

    [Fact]
    public void Network_is_shared_only_when_asked_and_capabilities_are_dropped()
    {
        var closed = BubblewrapPlan.For(new SandboxRequest("true", _folders.Workspace), [], [], "/usr/bin").Options;
        var open = BubblewrapPlan.For(new SandboxRequest("true", _folders.Workspace) { Network = true }, [], [], "/usr/bin").Options;

        closed.ShouldNotContain("--share-net");
        open.ShouldContain("--share-net");
        IndexOf(closed, "--cap-drop", "ALL").ShouldBeGreaterThan(0);
        closed.ShouldContain("--disable-userns");
        closed.ShouldContain("--die-with-parent");
        closed.ShouldContain("--clearenv");
    }

    [Fact]
    public void The_requests_variables_reach_the_command_but_never_bubblewraps_own_environment()
    {
        var request = new SandboxRequest("true", _folders.Workspace)
        {
            Environment = new Dictionary<string, string?> { ["LD_PRELOAD"] = "/workspace/evil.so", ["NUGET_TOKEN"] = "t0ken" },
        };
        var plan = BubblewrapPlan.For(request, [], [], "/usr/bin:/bin");

        var spec = BubblewrapSandbox.Spec(request, plan, RunCgroups.None(), new SandboxOptions(), null);

        IndexOf(plan.Options, "--setenv", "LD_PRELOAD", "/workspace/evil.so").ShouldBeGreaterThan(0);
        spec.InheritEnvironment.ShouldBeFalse();
        spec.Environment.Keys.ShouldBe(["PATH", "LANG"], ignoreOrder: true);
        spec.Arguments.ShouldNotContain(a => a.Contains("t0ken"));
        spec.StandardInput.ShouldNotBeNull().ShouldContain("t0ken");
    }

    [Fact]
    public void A_missing_workspace_or_a_file_bind_is_refused()
    {
        Should.Throw<ArgumentException>(() => BubblewrapPlan.For(new SandboxRequest("true", "/nonexistent/ws"), [], [], "/usr/bin"));
        Should.Throw<ArgumentException>(() => BubblewrapPlan.For(
            new SandboxRequest("true", _folders.Workspace) { ReadOnlyBinds = [_folders.SecretFile] }, [], [], "/usr/bin"));
    }

    [Fact]
    public void A_configured_system_folder_is_not_hidden_and_says_so()
    {
        var plan = BubblewrapPlan.For(new SandboxRequest("true", _folders.Workspace), ["/usr"], [], "/usr/bin");

        IndexOf(plan.Options, "--tmpfs", "/usr").ShouldBe(-1);
        IndexOf(plan.Options, "--ro-bind", "/usr", "/usr").ShouldBeGreaterThanOrEqualTo(0);
        plan.Notices.ShouldContain("not hidden: /usr is a system folder");
    }
}
