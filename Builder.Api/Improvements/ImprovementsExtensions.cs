namespace Builder.Api.Improvements;

public static class ImprovementsExtensions
{
    /// <summary>Improvement cycles: the options, the cycle runner, the tracker of their runs, and their metrics.</summary>
    public static IHostApplicationBuilder AddImprovements(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ImprovementOptions>()
            .Bind(builder.Configuration.GetSection(ImprovementOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddScoped<ImprovementCycles>();
        builder.Services.AddSingleton<ImprovementMetrics>();
        builder.Services.AddHostedService<ImprovementTracker>();
        return builder;
    }
}
