using Builder.Worker.Environments;
using Builder.Worker.Telemetry;
using Builder.Worker.Tools;
using Builder.Worker.StateMachines;
using Builder.Worker.Tasks;
using Builder.Core;
using Builder.Core.Messaging;
using Builder.Core.StateMachines;
using Builder.Worker.Agent;
using Builder.Worker.Deployment;
using Builder.Worker.Execution;
using Builder.Worker.Phases;
using Builder.Worker.Sandbox;
using Builder.Worker.PullRequests;
using Builder.Worker.Phases.Build;
using Builder.Worker.Phases.Deliver;
using Builder.Worker.Phases.Deploy;
using Builder.Worker.Phases.Generate;
using Builder.Worker.Phases.HealthCheck;
using Builder.Worker.Phases.Plan;
using Builder.Worker.Phases.Verify;
using Builder.Worker.Pipeline;
using Builder.Worker.Recovery;
using Builder.Worker.Verification;
using Builder.Worker.Workspaces;
using MassTransit;

namespace Builder.Worker;

public static class Extensions
{
    /// <summary>A worker process: the shared core, the pipeline's services, and the bus serving the saga and the phases.</summary>
    public static IHostApplicationBuilder AddWorkerServices(this IHostApplicationBuilder builder)
    {
        builder.AddBuilderCore();
        builder.AddPipelineServices();
        builder.AddBuilderMessaging(bus => bus.AddPipeline());
        return builder;
    }

    /// <summary>The services phase work needs; also used by the Api when it hosts the worker (embedded).</summary>
    public static IHostApplicationBuilder AddPipelineServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CommandRunner>();
        builder.Services.AddSingleton<RunningWork>();
        builder.Services.AddSingleton<Git>();
        builder.Services.AddSingleton<WorkspaceManager>();
        builder.Services.AddSingleton<PhaseServices>();
        builder.AddAgent();
        builder.Services.AddSingleton<StepRunner>();
        builder.AddEnvironments();
        builder.AddTools();
        builder.Services.AddSingleton<BaseResultsCache>();
        builder.Services.AddSingleton<TestSuites>();
        builder.AddSandbox();
        builder.AddPullRequestHosts();
        builder.Services.AddSingleton<PullRequestPublisher>();
        builder.Services.AddHostedService<RecoverySweeper>();
        builder.Services.AddHostedService<Caches.PackageCachePruner>();
        builder.AddDeployment();
        builder.AddServiceTelemetry();
        return builder;
    }

    /// <summary>The feature saga, one consumer per phase, and the per-process cancellation listener.</summary>
    public static void AddPipeline(this IBusRegistrationConfigurator bus)
    {
        bus.AddSagaStateMachine<FeatureStateMachine, FeatureState, FeatureStateMachineDefinition>().BuilderDbRepository();

        bus.AddConsumer<PlanFeatureConsumer, PhaseConsumerDefinition<PlanFeatureConsumer>>();
        bus.AddConsumer<GenerateChangeConsumer, PhaseConsumerDefinition<GenerateChangeConsumer>>();
        bus.AddConsumer<BuildChangeConsumer, PhaseConsumerDefinition<BuildChangeConsumer>>();
        bus.AddConsumer<VerifyChangeConsumer, PhaseConsumerDefinition<VerifyChangeConsumer>>();
        bus.AddConsumer<DeliverChangeConsumer, PhaseConsumerDefinition<DeliverChangeConsumer>>();
        bus.AddConsumer<DeployChangeConsumer, PhaseConsumerDefinition<DeployChangeConsumer>>();
        bus.AddConsumer<CheckHealthConsumer, PhaseConsumerDefinition<CheckHealthConsumer>>();
        bus.AddConsumer<ServiceRollbackConsumer>();
        bus.AddConsumer<DryRunTaskConsumer>();
        bus.AddConsumer<ToolConsumers>();
        bus.AddConsumer<EnvironmentImagesConsumer>();

        bus.AddAgentConsumers();

        bus.AddConsumer<CancelRunningWorkConsumer>()
            .Endpoint(e =>
            {
                e.Temporary = true;
                e.InstanceId = Guid.NewGuid().ToString("N")[..12];
            });
    }
}
