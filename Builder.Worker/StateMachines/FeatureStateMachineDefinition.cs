using Builder.Core.StateMachines;
using MassTransit;

namespace Builder.Worker.StateMachines;

/// <summary>
/// The saga's endpoint: messages of one feature may arrive at several workers at once, so a lost
/// optimistic-concurrency race is retried, and the in-memory outbox holds the saga's commands until
/// its new state is saved (a fast phase result can then never find the old state).
/// </summary>
public sealed class FeatureStateMachineDefinition : SagaDefinition<FeatureState>
{
    public FeatureStateMachineDefinition()
    {
        EndpointName = "feature-state";
        ConcurrentMessageLimit = 16;
    }

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<FeatureState> sagaConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(20, 50, 100, 200, 400, 800, 1600, 3200, 5000, 5000));
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
