using Builder.Worker.Execution;
using Builder.Worker.Sandbox.Bubblewrap;
using Builder.Worker.Sandbox.Docker;
using Microsoft.Extensions.Options;

namespace Builder.Worker.Sandbox;

/// <summary>No configured sandbox can run here; the message says what to install or configure.</summary>
public sealed class SandboxUnavailableException(string message) : InvalidOperationException(message);

/// <summary>
/// Picks the sandbox once per process, by configuration and by what this host offers:
/// bubblewrap if it works here, else Docker if an engine answers, else the unsafe process runner
/// only when allowed, else a start-up error naming what to install.
/// </summary>
public sealed class SandboxSelector(IOptions<SandboxOptions> options, CommandRunner runner, ILoggerFactory loggerFactory)
{
    public const string InstallHint = "install bubblewrap (apt-get install bubblewrap)";

    readonly Lock _lock = new();
    Task<ISandbox>? _selected;

    public Task<ISandbox> SelectAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return _selected ??= SelectCoreAsync(cancellationToken);
    }

    /// <summary>For the DI factory: selection normally already ran at start (<see cref="SandboxStartup"/>).</summary>
    public ISandbox Selected => SelectAsync().GetAwaiter().GetResult();

    async Task<ISandbox> SelectCoreAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var logger = loggerFactory.CreateLogger<SandboxSelector>();
        switch (settings.Kind)
        {
            case SandboxKind.Bubblewrap:
                if (await BubblewrapSandbox.ProbeAsync(runner, settings, cancellationToken) is { } bwrapProblem)
                    throw new SandboxUnavailableException($"Builder:Sandbox:Kind is bubblewrap, but {bwrapProblem}: {InstallHint}.");
                return Bubblewrap();

            case SandboxKind.Docker:
                if (await new DockerEngine(settings).PingAsync(cancellationToken) is { } dockerProblem)
                    throw new SandboxUnavailableException($"Builder:Sandbox:Kind is docker, but {dockerProblem} (Builder:Sandbox:DockerEndpoint).");
                return Docker();

            case SandboxKind.Process:
                logger.LogWarning("Builder:Sandbox:Kind is process: untrusted commands run WITHOUT isolation");
                return Process();
        }

        var whyNotBubblewrap = await BubblewrapSandbox.ProbeAsync(runner, settings, cancellationToken);
        if (whyNotBubblewrap is null)
            return Bubblewrap();

        var whyNotDocker = string.IsNullOrWhiteSpace(settings.DockerImage)
            ? "no Builder:Sandbox:DockerImage is configured"
            : await new DockerEngine(settings).PingAsync(cancellationToken);
        if (whyNotDocker is null)
        {
            logger.LogInformation("Sandbox: Docker, because {Reason}", whyNotBubblewrap);
            return Docker();
        }

        if (settings.AllowUnsafeProcess)
        {
            logger.LogWarning("Sandbox: plain processes WITHOUT isolation (AllowUnsafeProcess), because {Bubblewrap} and {Docker}",
                whyNotBubblewrap, whyNotDocker);
            return Process();
        }

        throw new SandboxUnavailableException(
            $"No sandbox can run untrusted commands on this host: {whyNotBubblewrap}, and {whyNotDocker}. " +
            $"To fix it, {InstallHint}, or point Builder:Sandbox:DockerEndpoint at a Docker engine. " +
            "Builder:Sandbox:AllowUnsafeProcess=true runs commands without isolation: only for trusted repositories.");

        ISandbox Bubblewrap() => new BubblewrapSandbox(runner, options, loggerFactory.CreateLogger<BubblewrapSandbox>());
        ISandbox Docker() => new DockerSandbox(options, loggerFactory.CreateLogger<DockerSandbox>());
        ISandbox Process() => new ProcessSandbox(runner, options, loggerFactory.CreateLogger<ProcessSandbox>());
    }
}
