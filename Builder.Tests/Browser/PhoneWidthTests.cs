using Builder.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Builder.Tests.Browser;

/// <summary>Every page at a phone's width (390 px) fits it: nothing scrolls sideways.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PhoneWidthTests(RunningPlatform platform, ITestOutputHelper output)
{
    const int Width = 390;

    static readonly string[] FeatureTabs = ["Overview", "Changes", "Logs", "Tests", "Timeline"];

    [Fact]
    public async Task Every_page_and_every_tab_of_a_run_fits_390_px_without_scrolling_sideways()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await platform.Admin.RegisterRepositoryAsync(repository.RemotePath, $"phone-{Guid.NewGuid():N}"[..20]);
        var id = await platform.Admin.SubmitAsync(repositoryId, "A rather long title that a phone has to wrap somewhere sensible", [BuilderApi.File("value.txt", "42\n", "replace")]);
        await platform.Admin.WaitForEndAsync(id, TimeSpan.FromMinutes(3));

        var page = await platform.NewPageAsync(Width, 844);
        var app = new Dashboard(page, "phone-width");
        var overflowing = new List<string>();
        try
        {
            await app.OpenAndSignInAsync();
            foreach (var path in (string[])["/", "/approvals", "/repositories", $"/repositories/{repositoryId}", "/keys", "/services", "/tools", "/system", "/features/new"])
            {
                await OpenAsync(page, path);
                await RecordOverflowAsync(page, path, overflowing);
            }

            await OpenAsync(page, $"/features/{id}");
            foreach (var tab in FeatureTabs)
            {
                await app.Tab(tab).ClickAsync();
                await Expect(app.Tab(tab)).ToHaveAttributeAsync("aria-selected", "true");
                await Expect(page.Locator(".tab-panel .loading")).ToHaveCountAsync(0);
                await RecordOverflowAsync(page, $"/features/{{id}} ({tab})", overflowing);
            }

            overflowing.ShouldBeEmpty();
        }
        catch
        {
            await app.ScreenshotAsync("failure");
            output.WriteLine(platform.Logs);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>Opens a page by its address (the cookie keeps the sign-in) and waits until it has loaded its data.</summary>
    static async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await Expect(page.Locator(".tenant")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("main .loading")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
    }

    async Task RecordOverflowAsync(IPage page, string what, List<string> overflowing)
    {
        var (scrollWidth, innerWidth, widest) = await MeasureAsync(page);
        output.WriteLine($"{what}: {scrollWidth} px of {innerWidth}{(widest is null ? "" : $"; widest: {widest}")}");
        // A mobile viewport widens the window to what the page needs, so the window is checked too.
        if (scrollWidth > innerWidth || innerWidth > Width)
        {
            overflowing.Add($"{what} is {scrollWidth} px wide (widest: {widest})");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RunningPlatform.ScreenshotDirectory, $"overflow-{overflowing.Count:00}.png"), FullPage = true });
        }
    }

    /// <summary>The page's width, the window's, and which element reaches furthest right (to say what to fix).</summary>
    static async Task<(int ScrollWidth, int InnerWidth, string? Widest)> MeasureAsync(IPage page)
    {
        var result = await page.EvaluateAsync<System.Text.Json.JsonElement>("""
            () => {
                let widest = null, right = window.innerWidth;
                for (const e of document.querySelectorAll('body *')) {
                    const r = e.getBoundingClientRect().right;
                    if (r > right) { right = r; widest = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : ''); }
                }
                return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, widest };
            }
            """);
        var widest = result.GetProperty("widest");
        return (result.GetProperty("scrollWidth").GetInt32(), result.GetProperty("innerWidth").GetInt32(),
            widest.ValueKind == System.Text.Json.JsonValueKind.String ? widest.GetString() : null);
    }
}
