namespace Builder.Worker.Environments;

public static class EnvironmentsExtensions
{
    /// <summary>Environment images from .builder/environment.yaml, built at Plan and used by Build and Verify.</summary>
    public static IHostApplicationBuilder AddEnvironments(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EnvironmentOptions>()
            .Bind(builder.Configuration.GetSection(EnvironmentOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<EnvironmentImages>();
        builder.Services.AddSingleton<WorkerRuntimes>();
        builder.Services.AddSingleton<Phases.Plan.PlanEnvironment>();
        return builder;
    }
}
