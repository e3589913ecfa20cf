using Builder.Web;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Builder.Tests.Web;

/// <summary>
/// The real Builder.Web, in process, pointed at a <see cref="FakeBuilderApi"/> through the same
/// service discovery setting the AppHost uses (<c>services:api:http:0</c>).
/// </summary>
public sealed class WebHarness : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    readonly List<AsyncServiceScope> scopes = [];

    WebHarness(FakeBuilderApi api, WebApplicationFactory<WebAppMarker> factory)
    {
        Api = api;
        Factory = factory;
    }

    public FakeBuilderApi Api { get; }

    public WebApplicationFactory<WebAppMarker> Factory { get; }

    /// <param name="apiAddress">Where the Web looks for the API; the fake's own address when null.</param>
    /// <param name="settings">More configuration, over the defaults above.</param>
    public static async Task<WebHarness> StartAsync(int pageSize = 50, Uri? apiAddress = null, TimeSpan? refresh = null, IDictionary<string, string?>? settings = null)
    {
        var api = await FakeBuilderApi.StartAsync();
        var configuration = new Dictionary<string, string?>
        {
            ["services:api:http:0"] = (apiAddress ?? api.BaseAddress).ToString(),
            // Fast refreshes keep the live tests short; 2 s is the default.
            ["Builder:Web:RefreshInterval"] = (refresh ?? TimeSpan.FromMilliseconds(150)).ToString("c"),
            ["Builder:Web:PageSize"] = pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            configuration[key] = value;
        // App configuration, not UseSetting: host settings lose to appsettings.json.
        var factory = new WebApplicationFactory<WebAppMarker>().WithWebHostBuilder(web =>
            web.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(configuration)));
        return new WebHarness(api, factory);
    }

    /// <summary>
    /// A bUnit context whose services come from the running Web app, through a scope of its own:
    /// what a circuit gets.
    /// </summary>
    public BunitContext CreateCircuit(out IServiceProvider services)
    {
        var scope = Factory.Services.CreateAsyncScope();
        scopes.Add(scope);
        services = scope.ServiceProvider;
        var context = new BunitContext();
        context.Services.AddFallbackServiceProvider(scope.ServiceProvider);
        // bUnit registers options and a clock of its own, which would win over the fallback.
        context.Services.AddSingleton(scope.ServiceProvider.GetRequiredService<IOptions<WebOptions>>());
        context.Services.AddSingleton(scope.ServiceProvider.GetRequiredService<TimeProvider>());
        context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        // The browser calls (time zone, clipboard, download) answer with nothing unless a test plans them.
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        return context;
    }

    public BunitContext CreateCircuit() => CreateCircuit(out _);

    public async ValueTask DisposeAsync()
    {
        foreach (var scope in scopes)
            await scope.DisposeAsync();
        await Factory.DisposeAsync();
        await Api.DisposeAsync();
    }
}
