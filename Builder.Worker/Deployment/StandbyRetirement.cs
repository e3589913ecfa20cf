using Builder.Core.Domain;

namespace Builder.Worker.Deployment;

/// <summary>
/// Keeps a replaced version warm for the rollback window, then stops it, unless a rollback made it
/// live again meanwhile: the registry, not the target, says whether it is still a standby.
/// </summary>
public sealed class StandbyRetirement(ServiceRegistry registry, ILogger<StandbyRetirement> logger)
{
    public void After(TimeSpan delay, IDeployTarget target, Guid versionId) =>
        _ = Task.Run(async () =>
        {
            await Task.Delay(delay);
            try
            {
                if ((await registry.GetAsync(versionId, CancellationToken.None))?.State != ServiceVersionState.Standby)
                    return;
                await target.StopAsync(versionId);
                await registry.SetStateAsync(versionId, ServiceVersionState.Stopped, "replaced; rollback window over");
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "The standby version {Version} could not be retired", versionId);
            }
        });
}
