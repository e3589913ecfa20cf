using Builder.Worker.Deployment.Docker;
using Builder.Worker.Deployment.Kubernetes;
using Builder.Worker.Deployment.Local;
using Builder.Worker.Phases.HealthCheck;

namespace Builder.Worker.Deployment;

public static class DeploymentExtensions
{
    /// <summary>The deploy targets (local, docker, kubernetes), the stable-address gateway, the service registry and the health probes.</summary>
    public static IHostApplicationBuilder AddDeployment(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DeployOptions>()
            .Bind(builder.Configuration.GetSection(DeployOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton<ServiceGateway>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ServiceGateway>());
        builder.Services.AddSingleton<LocalDeployTarget>();
        builder.Services.AddSingleton<IDeployTarget>(services => services.GetRequiredService<LocalDeployTarget>());
        builder.Services.AddHostedService(services => services.GetRequiredService<LocalDeployTarget>());
        builder.Services.AddSingleton<DockerDeployTarget>();
        builder.Services.AddSingleton<IDeployTarget>(services => services.GetRequiredService<DockerDeployTarget>());
        builder.Services.AddHostedService(services => services.GetRequiredService<DockerDeployTarget>());
        builder.Services.AddSingleton<IDeployTarget, KubernetesDeployTarget>();
        // After the gateway and the target: it starts the previous worker's live services again.
        builder.Services.AddSingleton<ServiceRecovery>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ServiceRecovery>());
        builder.Services.AddSingleton<DeployTargets>();
        builder.Services.AddSingleton<ServiceRegistry>();
        builder.Services.AddSingleton<StandbyRetirement>();
        builder.Services.AddSingleton<ServiceClients>();
        builder.Services.AddSingleton<HealthProbe>();
        builder.Services.AddSingleton<ServiceContract>();
        builder.Services.AddSingleton<MonitoringWindow>();
        builder.Services.AddSingleton<ImprovementRuns>();
        return builder;
    }
}
