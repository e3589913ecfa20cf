namespace Builder.Worker.Tools;

public static class ToolsExtensions
{
    /// <summary>Builder-wide tools from the tools folder, run in their own images (or the worker's sandbox).</summary>
    public static IHostApplicationBuilder AddTools(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ToolOptions>().Bind(builder.Configuration.GetSection(ToolOptions.Section));
        builder.Services.AddSingleton<ToolCatalog>();
        builder.Services.AddSingleton<ToolRunner>();
        return builder;
    }
}
