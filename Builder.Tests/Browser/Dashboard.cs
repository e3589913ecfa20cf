using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Builder.Tests.Browser;

/// <summary>A person at the dashboard in one browser tab: signs in, goes places by clicking, and proves the page never reloaded.</summary>
public sealed class Dashboard(IPage page, string device)
{
    readonly string marker = Guid.NewGuid().ToString("N");
    int shot;

    public IPage Page { get; } = page;

    /// <summary>
    /// Opens the dashboard and signs in through the form, which posts and comes back to the page;
    /// then marks the window, so that any later reload or full navigation shows.
    /// </summary>
    public async Task OpenAndSignInAsync(string path = "/")
    {
        await Page.GotoAsync(path);
        await SignInAsync();
        await Page.EvaluateAsync("m => window.__builderMarker = m", marker);
    }

    /// <summary>Fills and posts the sign-in form, then waits for the circuit to show the tenant.</summary>
    public async Task SignInAsync()
    {
        var signIn = Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" });
        // Enabled once the circuit is up: typing before that would be lost.
        await Expect(signIn).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await Page.GetByLabel("API key").FillAsync(RunningPlatform.AdminKey);
        await signIn.ClickAsync();
        await Expect(Page.Locator(".tenant")).ToContainTextAsync("acme-labs", new() { Timeout = 30_000 });
    }

    public async Task AssertNoReloadAsync() =>
        (await Page.EvaluateAsync<string?>("() => window.__builderMarker")).ShouldBe(marker, "the page was reloaded: the window marker set at the start is gone");

    /// <summary>Follows a link of the top navigation, as a person would: Blazor navigates inside the page.</summary>
    public async Task NavigateAsync(string section)
    {
        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Sections" }).GetByRole(AriaRole.Link, new() { NameRegex = SectionName(section) }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
    }

    /// <summary>A section's link, which may carry a count (Approvals: "2 waiting").</summary>
    static Regex SectionName(string section) => new($"^{Regex.Escape(section)}\\s*(\\d+ waiting)?$");

    /// <summary>Saves the whole page as artifacts/screenshots/&lt;device&gt;-NN-&lt;name&gt;.png.</summary>
    public async Task ScreenshotAsync(string name)
    {
        var file = Path.Combine(RunningPlatform.ScreenshotDirectory, $"{device}-{++shot:00}-{name}.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
    }

    public ILocator Button(string name, bool exact = false) => Page.GetByRole(AriaRole.Button, new() { Name = name, Exact = exact });

    public ILocator Status => Page.Locator(".feature-status [data-role=status]");

    public Task ExpectStatusAsync(string status, int timeoutMs = 60_000) =>
        Expect(Status).ToHaveTextAsync(status, new() { Timeout = timeoutMs });

    public ILocator Tab(string name) => Page.GetByRole(AriaRole.Tab, new() { NameRegex = new Regex($"^{Regex.Escape(name)}") });
}
