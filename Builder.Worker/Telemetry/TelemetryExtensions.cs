namespace Builder.Worker.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>The collector of deployed services' telemetry, with its breakers and options.</summary>
    public static IHostApplicationBuilder AddServiceTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryOptions>()
            .Bind(builder.Configuration.GetSection(TelemetryOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<SourceBreakers>();
        builder.Services.AddSingleton<ServiceTelemetryCollector>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ServiceTelemetryCollector>());
        return builder;
    }
}
