using Builder.Core.Contracts;
using Builder.Worker.Execution;
using MassTransit;

namespace Builder.Worker.Recovery;

/// <summary>
/// Served on a temporary queue of each worker process, so every worker hears a cancellation and
/// the one running the feature's phase stops it and kills its processes.
/// </summary>
public sealed class CancelRunningWorkConsumer(RunningWork runningWork, ILogger<CancelRunningWorkConsumer> logger) : IConsumer<FeatureCancellationRequested>
{
    public Task Consume(ConsumeContext<FeatureCancellationRequested> context)
    {
        if (runningWork.Cancel(context.Message.FeatureId))
            logger.LogInformation("Cancelled the running work of feature {FeatureId}", context.Message.FeatureId);
        return Task.CompletedTask;
    }
}
