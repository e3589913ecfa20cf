using Builder.Core;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Builder.Worker.Pipeline;

public static class PhaseEndpoint
{
    /// <summary>Every phase command is served from one queue, so the concurrency limit is per worker, not per phase.</summary>
    public const string Name = "feature-phases";

    /// <summary>Redeliveries of an unexpected error before it fails the run.</summary>
    public const int Retries = 2;
}

public sealed class PhaseConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    public PhaseConsumerDefinition(IOptions<BuilderOptions> options)
    {
        EndpointName = PhaseEndpoint.Name;
        ConcurrentMessageLimit = options.Value.Worker.MaxConcurrentRuns;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = (ushort)ConcurrentMessageLimit!.Value;
        consumerConfigurator.UseMessageRetry(r => r.Intervals(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)));
    }
}
