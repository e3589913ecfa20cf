using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Builder.Tests.Browser;

/// <summary>
/// Signing in to the dashboard with the company's identity provider: the code flow with PKCE through
/// Chromium against the provider stand-in, the person's own token on every API call, and a reload
/// that stays signed in.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SingleSignOnTests(RunningPlatform platform, ITestOutputHelper output)
{
    [Fact]
    public async Task Signing_in_through_the_identity_provider_lands_on_the_page_asked_for_and_survives_a_reload()
    {
        var page = await platform.NewPageAsync(1280, 800);
        var app = new Dashboard(page, "laptop");
        try
        {
            var issuedBefore = platform.IdentityProvider.TokensIssued;
            await page.GotoAsync("/approvals");
            var sso = page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Company SSO" });
            await Expect(sso).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await sso.ClickAsync();

            // The provider's own page, on its own address.
            await page.WaitForURLAsync(url => url.StartsWith(platform.IdentityProvider.Issuer, StringComparison.Ordinal));
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in as alice" }).ClickAsync();

            await Expect(page.Locator(".tenant")).ToContainTextAsync("acme-labs", new() { Timeout = 30_000 });
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Approvals");
            page.Url.ShouldEndWith("/approvals");
            await Expect(page.Locator("header")).ToContainTextAsync("alice");
            (platform.IdentityProvider.TokensIssued - issuedBefore).ShouldBe(1);

            var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "builder-session");
            cookie.HttpOnly.ShouldBeTrue();

            await page.ReloadAsync();
            await Expect(page.Locator(".tenant")).ToContainTextAsync("acme-labs", new() { Timeout = 30_000 });
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Approvals");
            (await page.Locator("#api-key").CountAsync()).ShouldBe(0);
            (platform.IdentityProvider.TokensIssued - issuedBefore).ShouldBe(1, "the reload used the kept session, not a new sign-in");
        }
        catch
        {
            await app.ScreenshotAsync("single-sign-on-failure");
            output.WriteLine(platform.Logs);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
