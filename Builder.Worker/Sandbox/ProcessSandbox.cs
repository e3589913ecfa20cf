using Builder.Worker.Execution;
using Microsoft.Extensions.Options;

namespace Builder.Worker.Sandbox;

/// <summary>
/// A plain child process: the command can read and write whatever the worker can, reach any
/// network, and use any memory. Only a timeout, the output cap and a clean environment apply.
/// Chosen only when configured explicitly (Kind=process or AllowUnsafeProcess=true).
/// </summary>
public sealed class ProcessSandbox(CommandRunner runner, IOptions<SandboxOptions> options, ILogger<ProcessSandbox> logger) : ISandbox
{
    public const string UnsafeNotice = "unsafe: the process sandbox isolates nothing (no filesystem, network, memory or process-count limits)";

    public string Name => "process";

    public async Task<SandboxResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken, Action<string>? onLine = null)
    {
        var settings = options.Value;
        request = settings.Clamp(request);
        logger.LogWarning("Running an untrusted command WITHOUT isolation (process sandbox) in {Workspace}", request.Workspace);

        var home = Path.Combine(Path.GetTempPath(), $"builder-home-{Guid.NewGuid():N}");
        Directory.CreateDirectory(home);
        try
        {
            var spec = CommandSpec.Shell(request.Command, request.Workspace) with
            {
                Environment = SandboxEnvironment.For(request, settings.SearchPath, home),
                InheritEnvironment = false,
                Timeout = request.Timeout,
                MaxOutputChars = request.MaxOutputChars,
            };
            var result = await runner.RunAsync(spec, cancellationToken, onLine);
            return new SandboxResult(result.ExitCode, result.Output, result.Duration)
            {
                LimitHit = result.TimedOut ? "timeout" : null,
                Notices = [UnsafeNotice],
            };
        }
        finally
        {
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Something the command left running still writes there; the temp folder is cleaned eventually.
            }
        }
    }
}
