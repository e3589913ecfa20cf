using Builder.Worker.Sandbox.Cgroups;
using Microsoft.Extensions.Options;

namespace Builder.Worker.Sandbox;

/// <summary>Selects the sandbox while the worker starts, so a host that cannot run one fails then, not at the first build.</summary>
public sealed class SandboxStartup(SandboxSelector selector, IOptions<SandboxOptions> options, ILogger<SandboxStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var sandbox = await selector.SelectAsync(cancellationToken);
        logger.LogInformation("Sandbox: {Sandbox}", sandbox.Name);
        if (sandbox.Name != "bubblewrap" || !options.Value.UseCgroups)
            return;
        if (CgroupHierarchy.UnifiedOnly() is not null)
            return; // the unified hierarchy was prepared, and logged, when the sandbox was made

        foreach (var controller in new[] { "memory", "pids" })
        {
            var (folder, problem) = CgroupHierarchy.ParentFolder(controller, options.Value.CgroupParent);
            if (folder is null)
                logger.LogWarning("No {Controller} limit for sandboxed commands: {Problem}", controller, problem);
            else
                logger.LogInformation("Sandboxed commands get {Controller} cgroups under {Folder}", controller, folder);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
