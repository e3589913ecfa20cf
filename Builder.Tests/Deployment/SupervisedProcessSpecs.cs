using Builder.Worker.Deployment.Local;
using Builder.Worker.Sandbox;
using Microsoft.Extensions.Logging.Abstractions;

namespace Builder.Tests.Deployment;

public sealed class SupervisedProcessSpecs
{
    /// <summary>A service that exits at once, every time.</summary>
    sealed class CrashingSandbox : ISandbox
    {
        public int Runs;
        public string Name => "crashing";

        public Task<SandboxResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken, Action<string>? onLine = null)
        {
            Interlocked.Increment(ref Runs);
            onLine?.Invoke("boom");
            return Task.FromResult(new SandboxResult(3, "boom", TimeSpan.Zero));
        }
    }

    /// <summary>A service that runs until it is stopped.</summary>
    sealed class LongRunningSandbox : ISandbox
    {
        public string Name => "long";

        public async Task<SandboxResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken, Action<string>? onLine = null)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return new SandboxResult(0, "", TimeSpan.Zero);
        }
    }

    [Fact]
    public async Task A_crashing_service_is_restarted_with_back_off_then_given_up_on()
    {
        var sandbox = new CrashingSandbox();
        var restarts = new List<string>();
        var process = new SupervisedProcess(sandbox, new SandboxRequest("node server.js", "/tmp"), maxRestarts: 1, r => { lock (restarts) restarts.Add(r); },
            NullLogger.Instance);

        process.Start();
        await Eventually.True(() => !process.Running, "the supervisor to give up", TimeSpan.FromSeconds(10));

        process.Running.ShouldBeFalse();
        sandbox.Runs.ShouldBe(2);
        restarts.ShouldBe(["exited with code 3; restart 1 in 1 s", "exited with code 3; restarted 1 times already, not restarted again"]);
        process.Tail().ShouldContain("boom");
    }

    [Fact]
    public async Task Stopping_a_running_service_ends_it_without_a_restart()
    {
        var restarts = new List<string>();
        var process = new SupervisedProcess(new LongRunningSandbox(), new SandboxRequest("node server.js", "/tmp"), 5, restarts.Add, NullLogger.Instance);

        process.Start();
        await Task.Delay(100);
        process.Running.ShouldBeTrue();
        await process.StopAsync();

        process.Running.ShouldBeFalse();
        restarts.ShouldBeEmpty();
    }
}
