using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Builder.Worker.Sandbox;
using Builder.Worker.Sandbox.Docker;

namespace Builder.Tests.Sandbox;

public sealed class SandboxSelectorTests
{
    static readonly TimeSpan Fast = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Auto_picks_bubblewrap_where_it_works()
    {
        var sandbox = await SandboxFactory.Selector(new SandboxOptions()).SelectAsync();

        sandbox.Name.ShouldBe("bubblewrap");
    }

    [Fact]
    public async Task Without_bubblewrap_or_an_engine_the_process_runner_is_refused_unless_allowed()
    {
        var watch = Stopwatch.StartNew();

        var error = await Should.ThrowAsync<SandboxUnavailableException>(() => SandboxFactory.Selector(SandboxFactory.NothingAvailable()).SelectAsync());

        watch.Elapsed.ShouldBeLessThan(Fast);
        error.Message.ShouldContain("apt-get install bubblewrap");
        error.Message.ShouldContain("/nonexistent/docker.sock");
        error.Message.ShouldContain("AllowUnsafeProcess");
    }

    [Fact]
    public async Task Allowed_the_process_runner_is_the_last_resort_and_says_it_is_unsafe()
    {
        using var folders = new SandboxTestFolders();
        var sandbox = await SandboxFactory.Selector(SandboxFactory.NothingAvailable(allowUnsafeProcess: true)).SelectAsync();

        var result = await sandbox.RunAsync(new SandboxRequest("echo hello", folders.Workspace), CancellationToken.None);

        sandbox.Name.ShouldBe("process");
        result.Succeeded.ShouldBeTrue(result.Output);
        result.Notices.ShouldContain(ProcessSandbox.UnsafeNotice);
    }

    [Fact]
    public async Task Kind_process_is_an_explicit_choice()
    {
        var options = SandboxFactory.NothingAvailable();
        options.Kind = SandboxKind.Process;

        (await SandboxFactory.Selector(options).SelectAsync()).Name.ShouldBe("process");
    }

    [Fact]
    public async Task The_process_runner_still_keeps_the_workers_environment_out_and_meets_its_timeout()
    {
        using var folders = new SandboxTestFolders();
        var options = SandboxFactory.NothingAvailable();
        options.Kind = SandboxKind.Process;
        var sandbox = await SandboxFactory.Selector(options).SelectAsync();
        Environment.SetEnvironmentVariable("BUILDER_TEST_PROCESS_SECRET", "process-secret-5521");
        try
        {
            var env = await sandbox.RunAsync(new SandboxRequest("env", folders.Workspace), CancellationToken.None);
            var loop = await sandbox.RunAsync(new SandboxRequest("while :; do :; done", folders.Workspace) { Timeout = TimeSpan.FromSeconds(2) }, CancellationToken.None);

            env.Output.ShouldNotContain("process-secret-5521");
            loop.LimitHit.ShouldBe("timeout");
        }
        finally
        {
            Environment.SetEnvironmentVariable("BUILDER_TEST_PROCESS_SECRET", null);
        }
    }

    [Fact]
    public async Task Kind_bubblewrap_without_bubblewrap_fails_naming_the_package()
    {
        var options = SandboxFactory.NothingAvailable(allowUnsafeProcess: true);
        options.Kind = SandboxKind.Bubblewrap;

        var error = await Should.ThrowAsync<SandboxUnavailableException>(() => SandboxFactory.Selector(options).SelectAsync());

        error.Message.ShouldContain("apt-get install bubblewrap");
    }

    [Fact]
    public async Task Kind_docker_without_an_engine_fails_fast_and_cleanly()
    {
        var options = SandboxFactory.NothingAvailable(allowUnsafeProcess: true);
        options.Kind = SandboxKind.Docker;
        var watch = Stopwatch.StartNew();

        var error = await Should.ThrowAsync<SandboxUnavailableException>(() => SandboxFactory.Selector(options).SelectAsync());

        watch.Elapsed.ShouldBeLessThan(Fast);
        error.Message.ShouldContain("no Docker engine");
    }

    [Fact]
    public async Task Docker_detection_reports_a_refused_tcp_endpoint_without_throwing()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now: the connection is refused

        var problem = await new DockerEngine(new SandboxOptions { DockerEndpoint = $"tcp://127.0.0.1:{port}" }).PingAsync(CancellationToken.None);

        problem.ShouldNotBeNull();
        problem.ShouldContain("no Docker engine");
    }

    [Fact]
    public async Task Docker_detection_gives_up_on_a_socket_that_never_answers_within_the_ping_timeout()
    {
        using var folders = new SandboxTestFolders();
        var socketPath = Path.Combine(folders.Root, "docker.sock");
        using var silent = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        silent.Bind(new UnixDomainSocketEndPoint(socketPath));
        silent.Listen(); // accepts connections (the kernel does) but never answers a request
        var options = new SandboxOptions { DockerEndpoint = $"unix://{socketPath}", DockerPingTimeout = TimeSpan.FromMilliseconds(500) };
        var watch = Stopwatch.StartNew();

        var problem = await new DockerEngine(options).PingAsync(CancellationToken.None);

        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
        problem.ShouldNotBeNull();
        problem.ShouldContain("within 0.5 s");
    }

    [Fact]
    public async Task Auto_falls_back_past_a_silent_engine_quickly()
    {
        using var folders = new SandboxTestFolders();
        var socketPath = Path.Combine(folders.Root, "docker.sock");
        using var silent = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        silent.Bind(new UnixDomainSocketEndPoint(socketPath));
        silent.Listen();
        var options = SandboxFactory.NothingAvailable(allowUnsafeProcess: true);
        options.DockerEndpoint = $"unix://{socketPath}";
        options.DockerPingTimeout = TimeSpan.FromMilliseconds(500);
        var watch = Stopwatch.StartNew();

        var sandbox = await SandboxFactory.Selector(options).SelectAsync();

        sandbox.Name.ShouldBe("process");
        watch.Elapsed.ShouldBeLessThan(Fast);
    }
}
