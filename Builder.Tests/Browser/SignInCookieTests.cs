using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Builder.Tests.Browser;

/// <summary>The sign-in kept in the browser's cookie: a reload and a new tab stay signed in, and signing out ends it everywhere.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInCookieTests(RunningPlatform platform, ITestOutputHelper output)
{
    [Fact]
    public async Task A_reload_and_a_new_tab_stay_signed_in_and_signing_out_clears_the_cookie()
    {
        var page = await platform.NewPageAsync(1280, 800);
        var app = new Dashboard(page, "laptop");
        try
        {
            await app.OpenAndSignInAsync("/approvals");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Approvals");

            var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "builder-session");
            cookie.HttpOnly.ShouldBeTrue();
            // Lax, not Strict: the platform also signs in through its identity provider, whose redirect back is cross-site.
            cookie.SameSite.ShouldBe(SameSiteAttribute.Lax);
            cookie.Value.ShouldNotContain(RunningPlatform.AdminKey);
            (await page.EvaluateAsync<string>("() => document.cookie")).ShouldNotContain("builder-session");

            await page.ReloadAsync();
            await Expect(page.Locator(".tenant")).ToContainTextAsync("acme-labs", new() { Timeout = 30_000 });
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Approvals");
            (await page.Locator("#api-key").CountAsync()).ShouldBe(0);

            var second = await page.Context.NewPageAsync();
            await second.GotoAsync("/keys");
            await Expect(second.Locator(".tenant")).ToContainTextAsync("acme-labs", new() { Timeout = 30_000 });
            await Expect(second.Locator("main table")).ToContainTextAsync("admin");

            await second.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await Expect(second.GetByLabel("API key")).ToBeVisibleAsync();
            (await page.Context.CookiesAsync()).ShouldNotContain(c => c.Name == "builder-session");

            await page.ReloadAsync();
            await Expect(page.GetByLabel("API key")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            (await page.Locator(".tenant").CountAsync()).ShouldBe(0);
        }
        catch
        {
            await app.ScreenshotAsync("sign-in-cookie-failure");
            output.WriteLine(platform.Logs);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
