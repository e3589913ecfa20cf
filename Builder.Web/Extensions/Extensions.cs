using Builder.Web.Services;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Builder.Web;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();

        builder.Services.AddOptions<WebOptions>()
            .BindConfiguration(WebOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);

        // Scoped = one per circuit: the signed-in key never leaves this process.
        builder.Services.AddScoped<ApiSession>();
        builder.Services.AddScoped<ViewerClock>();
        // One seam for live updates: polling today, the API's SignalR hub when it is there.
        builder.Services.TryAddScoped<IFeatureUpdates, PollingFeatureUpdates>();

        // RemoveAllResilienceHandlers is marked experimental, yet it is the documented way to
        // replace, for one client, the pipeline that ServiceDefaults puts on every client.
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient<BuilderApiClient>(http => http.BaseAddress = new Uri(BuilderApiClient.ServiceAddress))
            // An open board asks again every couple of seconds, so the next refresh is the real
            // retry. The default chain (three retries with back-off, 30 s in all) would leave the
            // page silent through an outage instead of saying the API is down.
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler(options =>
            {
                options.Retry.MaxRetryAttempts = 1;
                options.Retry.Delay = TimeSpan.FromMilliseconds(200);
                options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(5);
                options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(12);
            });
#pragma warning restore EXTEXP0001
    }
}
