using Builder.Worker.Sandbox;
using Builder.Worker.Sandbox.Docker;

namespace Builder.Tests.Sandbox;

public sealed class DockerContainerSpecTests
{
    static readonly SandboxOptions Options = new() { DockerImage = "builder/sandbox:1", DockerCpus = 1.5, DockerUser = "1000:1000", DockerUsernsMode = "host" };

    static SandboxRequest Request(bool network = false) => new("dotnet test", "/srv/builder/workspaces/ws/")
    {
        Network = network,
        MemoryBytes = 512L * 1024 * 1024,
        MaxProcesses = 128,
        ReadOnlyBinds = ["/srv/cache/nuget"],
        WritableBinds = ["/srv/reports"],
        Environment = new Dictionary<string, string?> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["REMOVED"] = null },
    };

    [Fact]
    public void Without_network_the_container_has_none()
    {
        var spec = DockerContainerSpec.For(Request(), Options);

        spec.HostConfig.NetworkMode.ShouldBe("none");
        spec.NetworkDisabled.ShouldBeTrue();
    }

    [Fact]
    public void With_network_the_container_gets_the_default_bridge()
    {
        var spec = DockerContainerSpec.For(Request(network: true), Options);

        spec.HostConfig.NetworkMode.ShouldBe("bridge");
        spec.NetworkDisabled.ShouldBeFalse();
    }

    [Fact]
    public void Limits_come_from_the_request_and_the_options()
    {
        var host = DockerContainerSpec.For(Request(), Options).HostConfig;

        host.Memory.ShouldBe(512L * 1024 * 1024);
        host.MemorySwap.ShouldBe(512L * 1024 * 1024);
        host.PidsLimit.ShouldBe(128);
        host.NanoCPUs.ShouldBe(1_500_000_000);
    }

    [Fact]
    public void Requests_beyond_the_ceilings_are_clamped()
    {
        var options = new SandboxOptions { DockerImage = "x", MaxMemoryBytes = 1L << 30, MaxProcesses = 100 };

        var host = DockerContainerSpec.For(Request() with { MemoryBytes = 1L << 40, MaxProcesses = 100_000 }, options).HostConfig;

        host.Memory.ShouldBe(1L << 30);
        host.PidsLimit.ShouldBe(100);
    }

    [Fact]
    public void Only_the_workspace_and_the_binds_are_mounted_and_the_root_is_read_only()
    {
        var spec = DockerContainerSpec.For(Request(), Options);
        var host = spec.HostConfig;

        host.ReadonlyRootfs.ShouldBeTrue();
        host.Tmpfs.Keys.ShouldBe(["/tmp"]);
        host.Binds.ShouldBeNull();
        host.Mounts.Select(m => (m.Type, m.Source, m.Target, m.ReadOnly)).ShouldBe(
        [
            ("bind", "/srv/builder/workspaces/ws", "/srv/builder/workspaces/ws", false),
            ("bind", "/srv/reports", "/srv/reports", false),
            ("bind", "/srv/cache/nuget", "/srv/cache/nuget", true),
        ]);
        spec.WorkingDir.ShouldBe("/srv/builder/workspaces/ws");
    }

    [Fact]
    public void The_container_runs_unprivileged_and_is_removed_by_the_sandbox()
    {
        var spec = DockerContainerSpec.For(Request(), Options);

        spec.Image.ShouldBe("builder/sandbox:1");
        spec.Cmd.Take(2).ShouldBe(["/bin/sh", "-c"]);
        spec.Cmd[^1].ShouldBe("dotnet test", "the command is an argument of the wrapper, never spliced into its script");
        spec.User.ShouldBe("1000:1000");
        spec.HostConfig.UsernsMode.ShouldBe("host");
        spec.HostConfig.CapDrop.ShouldBe(["ALL"]);
        spec.HostConfig.SecurityOpt.ShouldContain("no-new-privileges");
        spec.HostConfig.Privileged.ShouldBeFalse();
        spec.HostConfig.AutoRemove.ShouldBeFalse(); // removed by DockerSandbox after reading the exit code and the OOM flag
        spec.Labels.ShouldContainKey(DockerContainerSpec.Label);
    }

    [Fact]
    public void The_environment_is_the_requests_not_the_workers()
    {
        Environment.SetEnvironmentVariable("BUILDER_TEST_DOCKER_SECRET", "docker-secret-1");
        try
        {
            var env = DockerContainerSpec.For(Request(), Options).Env;

            env.ShouldContain("DOTNET_CLI_TELEMETRY_OPTOUT=1");
            env.ShouldContain("HOME=/tmp");
            env.ShouldNotContain(e => e.Contains("docker-secret-1"));
            env.ShouldNotContain(e => e.StartsWith("REMOVED"));
            env.ShouldNotContain(e => e.StartsWith("PATH=")); // the image's PATH knows where its toolchains are
        }
        finally
        {
            Environment.SetEnvironmentVariable("BUILDER_TEST_DOCKER_SECRET", null);
        }
    }
}
