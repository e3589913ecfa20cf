using System.Diagnostics;

namespace Builder.Worker.Sandbox;

/// <summary>
/// The chosen sandbox with a span around each command it runs, on Builder's activity source, so a
/// run's trace shows how much of a phase was spent in sandboxed commands (start, restore, build,
/// test) beside the database and the broker. Services a deploy starts (a listening port) get no
/// span: theirs would last as long as the service.
/// </summary>
public sealed class TracedSandbox(ISandbox inner) : ISandbox
{
    static readonly ActivitySource Activity = new("Builder");

    public string Name => inner.Name;

    public async Task<SandboxResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken, Action<string>? onLine = null)
    {
        using var activity = request.ListenPort is null ? Activity.StartActivity("sandbox run") : null;
        activity?.SetTag("builder.sandbox", inner.Name);
        activity?.SetTag("builder.sandbox.network", request.Network);
        var result = await inner.RunAsync(request, cancellationToken, onLine);
        activity?.SetTag("builder.sandbox.exit_code", result.ExitCode);
        if (result.ExitCode != 0)
            activity?.SetStatus(ActivityStatusCode.Error, result.LimitHit);
        return result;
    }
}
