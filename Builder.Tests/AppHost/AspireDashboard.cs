using System.Text.Json.Nodes;
using Builder.Tests.Browser;
using Microsoft.Playwright;

namespace Builder.Tests.AppHost;

/// <summary>
/// The Aspire dashboard the AppHost started, read as a developer would: its telemetry API for the
/// spans the projects exported, and its resources page in headless Chromium.
/// </summary>
sealed class AspireDashboard(int port)
{
    public Uri Url { get; } = new($"http://localhost:{port}/");

    /// <summary>One exported span: the service that sent it, its instrumentation scope, its name and trace.</summary>
    public sealed record Span(string Service, string Scope, string Name, string TraceId);

    public async Task<IReadOnlyList<Span>> SpansAsync()
    {
        using var http = new HttpClient { BaseAddress = Url };
        var body = JsonNode.Parse(await http.GetStringAsync("api/telemetry/spans?limit=10000"))!;
        var spans = new List<Span>();
        foreach (var resource in body["data"]!["resourceSpans"]!.AsArray())
        {
            var service = resource!["resource"]!["attributes"]!.AsArray()
                .FirstOrDefault(a => (string)a!["key"]! == "service.name")?["value"]?["stringValue"]?.GetValue<string>() ?? "?";
            foreach (var scope in resource["scopeSpans"]!.AsArray())
            foreach (var span in scope!["spans"]!.AsArray())
                spans.Add(new Span(service, (string)scope["scope"]!["name"]!, (string)span!["name"]!, (string)span["traceId"]!));
        }

        return spans;
    }

    /// <summary>
    /// Opens the resources page, waits until each of <paramref name="resources"/> shows as Running and healthy,
    /// saves a screenshot, and returns the page's text.
    /// </summary>
    public async Task<string> ResourcesPageAsync(IEnumerable<string> resources, string screenshot)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Infrastructure.TestServers.ChromiumPath, Headless = true, Args = RunningPlatform.ChromiumArgs,
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 800 } });
        await page.GotoAsync(Url.ToString());
        // The grid fills in over the dashboard's live connection; a row per resource, with its state.
        foreach (var resource in resources)
            await page.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = resource }).Filter(new LocatorFilterOptions { HasText = "Running", HasNotText = "Unhealthy" })
                .First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot });
        return await page.InnerTextAsync("body");
    }
}
