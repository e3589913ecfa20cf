using Builder.Tests.Deployment;
using Builder.Tests.Environments;
using Builder.Tests.Infrastructure;
using Builder.Tests.Support;
using Microsoft.Playwright;

namespace Builder.Tests.Browser;

/// <summary>
/// The platform as people run it, started as real processes: Builder.Api in the embedded topology
/// (SQLite, in-memory transport, the worker inside, the test engine for environment and tool images)
/// and Builder.Web pointed at it by service discovery, plus Debian's Chromium driven by Playwright.
/// One per test collection: starting three .NET processes and a browser is the slow part.
/// </summary>
public sealed class RunningPlatform : IAsyncLifetime
{
    public const string AdminKey = "bld-browser-admin-key-0123456789";

    /// <summary>What headless Chromium needs on these machines (no sandbox as root, no GPU, no network of its own).</summary>
    public static readonly string[] ChromiumArgs =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    readonly DirectoryInfo data = Directory.CreateTempSubdirectory("builder-browser-");
    IPlaywright? playwright;

    public BuilderProcess Api { get; private set; } = default!;

    /// <summary>The company's identity provider, which both the Api and the dashboard trust besides API keys.</summary>
    public FakeOpenIdProvider IdentityProvider { get; private set; } = default!;
    public BuilderProcess Web { get; private set; } = default!;
    public IBrowser Browser { get; private set; } = default!;

    /// <summary>A client of the API with the admin key, for arranging what a test does not do through the page.</summary>
    public BuilderApi Admin { get; private set; } = default!;

    public static string ScreenshotDirectory => Path.Combine(TestServers.RepositoryRoot, "artifacts", "screenshots");

    /// <summary>The container engine the platform builds environment and tool images on, with the offline base image they start from.</summary>
    public ContainerEngine Engine { get; } = new();

    /// <summary>A tools folder with the word counter (run in its image on the engine).</summary>
    static string ToolsDirectory(string root)
    {
        var tools = Path.Combine(root, "tools");
        Tools.ToolBox.WriteWordCount(tools);
        return tools;
    }

    public async Task InitializeAsync()
    {
        var chromium = TestServers.ChromiumPath;
        await Engine.ConnectAsync();
        await Engine.ImportAsync(EnvironmentEngine.BaseImage, "latest", programs: ["/usr/bin/make"]);
        IdentityProvider = await FakeOpenIdProvider.StartAsync();
        IdentityProvider.User["builder_tenant"] = "acme-labs";
        Api = BuilderProcess.Start("Builder.Api", "api", new Dictionary<string, string>
        {
            ["Builder__Auth__Oidc__Authority"] = IdentityProvider.Issuer,
            ["Builder__Auth__Oidc__Audience"] = IdentityProvider.ApiAudience,
            ["Builder__DataDirectory"] = Path.Combine(data.FullName, "api"),
            ["Builder__Bootstrap__AdminKey"] = AdminKey,
            ["Builder__Bootstrap__TenantName"] = "acme-labs",
            ["Builder__Worker__CommandTimeout"] = "00:02:00",
            ["Builder__Tools__Directory"] = ToolsDirectory(data.FullName),
            // Deployed services' telemetry read quickly, so a page shows it without a long wait.
            ["Builder__Telemetry__Interval"] = "00:00:00.500",
            ["Builder__Sandbox__DockerEndpoint"] = Engine.Endpoint,
            ["Builder__Environments__Bases__debian-bookworm"] = EnvironmentEngine.BaseImage,
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Warning",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        });
        Web = BuilderProcess.Start("Builder.Web", "web", new Dictionary<string, string>
        {
            ["services__api__http__0"] = Api.Url.ToString().TrimEnd('/'),
            ["Builder__DataDirectory"] = Path.Combine(data.FullName, "web"),
            ["Builder__Auth__Oidc__Authority"] = IdentityProvider.Issuer,
            ["Builder__Auth__Oidc__ClientId"] = "builder-dashboard",
            ["Builder__Auth__Oidc__DisplayName"] = "Company SSO",
            // Quicker than the default 2 s, so a test waits less for the page to follow the run.
            ["Builder__Web__RefreshInterval"] = "00:00:00.500",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        });
        var browserStart = Task.Run(async () =>
        {
            playwright = await Playwright.CreateAsync();
            return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true, Args = ChromiumArgs });
        });
        await Task.WhenAll(Api.WaitHealthyAsync(), Web.WaitHealthyAsync());
        Browser = await browserStart;
        Admin = BuilderApi.WithKey(new HttpClient { BaseAddress = Api.Url }, AdminKey);
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    /// <summary>A fresh browser tab (its own context: no shared storage) at the given width.</summary>
    public async Task<IPage> NewPageAsync(int width, int height, string timeZone = "America/New_York")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            TimezoneId = timeZone,
            BaseURL = Web.Url.ToString(),
            IsMobile = width < 500,
            HasTouch = width < 500,
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    public string Logs => $"{Api.RecentLog}\n{Web.RecentLog}";

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.CloseAsync();
        playwright?.Dispose();
        if (Web is not null)
            await Web.DisposeAsync();
        if (Api is not null)
            await Api.DisposeAsync();
        if (IdentityProvider is not null)
            await IdentityProvider.DisposeAsync();
        await Engine.DisposeAsync();
        try
        {
            data.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<RunningPlatform>
{
    public const string Name = "Browser";
}
