using Builder.Web.Account;
using Builder.Web.Services;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

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

        builder.AddSignInCookie();
        builder.AddSingleSignOn();

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

    /// <summary>
    /// The sign-in survives reloads and new tabs in an encrypted cookie; a circuit reads it back
    /// through <see cref="SessionRestorer"/>.
    /// </summary>
    static bool SingleSignOnOptionsEnabled(IConfiguration configuration) =>
        configuration.GetSection(SingleSignOnOptions.Section).Get<SingleSignOnOptions>()?.Enabled == true;

    static void AddSignInCookie(this IHostApplicationBuilder builder)
    {
        builder.Services.AddDataProtection().SetApplicationName("Builder.Web");
        // The keys that encrypt the cookie must outlive the process, or a restart signs everyone out.
        // Without a data directory the framework's own default place (the user profile) is used.
        // Read when the options are built, not here: configuration may still be added until then.
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IConfiguration, ILoggerFactory>((keys, configuration, logging) =>
        {
            if (configuration["Builder:DataDirectory"] is { Length: > 0 } dataDirectory)
                keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(dataDirectory, "data-protection-keys")), logging);
        });

        builder.Services.AddAuthentication(SessionClaims.Scheme)
            .AddCookie(SessionClaims.Scheme, cookie =>
            {
                cookie.Cookie.Name = "builder-session";
                cookie.Cookie.HttpOnly = true;
                // Strict keeps the session out of every request another site starts. With single
                // sign-on the provider's redirect back is such a request, and a Strict cookie set
                // there would be missing on the page it leads to: Lax still keeps it off other
                // sites' POSTs (and every form carries an antiforgery token).
                cookie.Cookie.SameSite = SingleSignOnOptionsEnabled(builder.Configuration) ? SameSiteMode.Lax : SameSiteMode.Strict;
                // Plain HTTP on loopback under the AppHost; behind TLS the cookie is marked Secure.
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.SlidingExpiration = true;
            });
        builder.Services.AddOptions<CookieAuthenticationOptions>(SessionClaims.Scheme)
            .Configure<IOptions<WebOptions>>((cookie, web) => cookie.ExpireTimeSpan = web.Value.SignInLifetime);

        builder.Services.AddScoped<CircuitHandler, SessionRestorer>();
    }
}
