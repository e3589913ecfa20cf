using System.Text.RegularExpressions;
using Builder.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Builder.Tests.Browser;

/// <summary>
/// The dashboard in headless Chromium against the running platform: everything a person does
/// from signing in to a delivered feature, at a laptop's width and at a phone's, with no reload.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardFlowTests(RunningPlatform platform, ITestOutputHelper output)
{
    [Theory]
    [InlineData(1280, 800, "laptop")]
    [InlineData(390, 844, "phone")]
    public async Task From_sign_in_to_Completed_through_both_gates_without_a_reload(int width, int height, string device)
    {
        using var repository = TestRepository.CreateMakeProject();
        var page = await platform.NewPageAsync(width, height);
        var app = new Dashboard(page, device);
        var title = $"Answer with 42 on a {device}";
        try
        {
            await app.OpenAndSignInAsync();
            await app.ScreenshotAsync("board-empty-or-list");

            // Register the repository through the form.
            await app.NavigateAsync("Repositories");
            var repositoryName = $"sample-{device}-{Guid.NewGuid():N}"[..24];
            await page.GetByLabel("URL or path").FillAsync(repository.RemotePath);
            await page.GetByLabel(new Regex("^Name")).FillAsync(repositoryName);
            await app.Button("Register repository").ClickAsync();
            await Expect(page.Locator("p.success")).ToContainTextAsync($"Registered {repositoryName}", new() { Timeout = 30_000 });
            await Expect(page.Locator($"tr:has-text('{repositoryName}')")).ToBeVisibleAsync();
            await app.ScreenshotAsync("repositories");

            // Submit a feature with a draft, checkpoints mode, from the form the success message links to.
            await page.GetByRole(AriaRole.Link, new() { Name = "Submit a feature to it" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New feature" })).ToBeVisibleAsync();
            await page.GetByLabel("Repository", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = repositoryName });
            await page.GetByLabel("Title", new() { Exact = true }).FillAsync(title);
            await page.GetByLabel("Description").FillAsync("The answer must be 42, and make test proves it.");
            await page.GetByLabel(new Regex("Checkpoints")).CheckAsync();
            await page.GetByLabel(new Regex("must come with a test")).UncheckAsync();
            await page.GetByLabel("Path of file 1").FillAsync("value.txt");
            await page.GetByLabel("Mode of file 1").SelectOptionAsync("replace");
            await page.GetByLabel("Content of file 1").FillAsync("42\n");
            await app.ScreenshotAsync("new-feature");
            await app.Button("Submit feature").ClickAsync();

            // The feature page opens; then watch the board bring the run to the plan gate live.
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync();
            await app.NavigateAsync("Features");
            var row = page.Locator("tbody tr", new() { HasText = title });
            await Expect(row.Locator(".chip")).ToHaveTextAsync("Awaiting approval", new() { Timeout = 60_000 });
            await Expect(row.Locator(".gate")).ToHaveTextAsync("at the plan gate");
            // The navigation counts the runs waiting (this one, and any another test left at a gate).
            await Expect(page.Locator("nav .nav-count")).ToContainTextAsync("waiting");
            await app.ScreenshotAsync("board-at-plan-gate");

            // Approve the plan from the inbox.
            await app.NavigateAsync("Approvals");
            var item = page.Locator(".inbox-item", new() { HasText = title });
            await Expect(item.Locator(".gate-badge")).ToHaveTextAsync("plan gate");
            await Expect(item.Locator("[data-summary=plan]")).ToContainTextAsync("value.txt");
            await app.ScreenshotAsync("approvals-plan-gate");
            await item.GetByRole(AriaRole.Button, new() { Name = "Approve plan" }).ClickAsync();
            await Expect(page.Locator("p.success")).ToContainTextAsync($"Approved “{title}” at the plan gate");

            // The run comes back at the release gate with its diff summary.
            await Expect(item.Locator(".gate-badge")).ToHaveTextAsync("release gate", new() { Timeout = 90_000 });
            await Expect(item.Locator("[data-summary=diff]")).ToContainTextAsync("1 file changed");
            await Expect(item.Locator("[data-summary=diff]")).ToContainTextAsync("+1");
            await app.ScreenshotAsync("approvals-release-gate");

            // Open the run: the diff and the test results are there before the release is approved.
            await item.GetByRole(AriaRole.Link, new() { Name = title }).ClickAsync();
            await app.ExpectStatusAsync("Awaiting approval");
            // The release gate sits after Verify: the rail shows it there, as the current step.
            await Expect(page.Locator("li.phase[data-phase=build]")).ToHaveAttributeAsync("data-state", "done");
            await Expect(page.Locator("li.phase[data-phase=verify]")).ToHaveAttributeAsync("data-state", "awaiting_approval");
            await Expect(page.Locator("li.phase[data-phase=verify]")).ToHaveAttributeAsync("aria-current", "step");
            await app.ScreenshotAsync("feature-release-gate");
            await app.Tab("Changes").ClickAsync();
            var file = page.Locator("details.diff-file[data-path='value.txt']");
            await Expect(file).ToBeVisibleAsync();
            await Expect(file.Locator("tr.line-added .code")).ToHaveTextAsync("42");
            await Expect(file.Locator("tr.line-removed .code")).ToHaveTextAsync("0");
            await page.GetByLabel("Side by side").CheckAsync();
            await Expect(file.Locator("td.code.new.line-added")).ToContainTextAsync("42");
            await app.ScreenshotAsync("feature-diff");
            await app.Tab("Tests").ClickAsync();
            await Expect(page.Locator("[data-result=verification] strong")).ToHaveTextAsync("Passed");
            await Expect(page.Locator("[data-result=exit-code] strong")).ToHaveTextAsync("0");
            await app.ScreenshotAsync("feature-tests");
            await app.Tab("Logs").ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "test.log" }).ClickAsync();
            await Expect(page.Locator(".log-viewer pre.log")).ToContainTextAsync("tests passed");

            // Approve the release and see the run complete.
            await app.Button("Approve release").ClickAsync();
            await app.ExpectStatusAsync("Completed", 90_000);
            await Expect(page.Locator("li.phase[data-phase=deliver]")).ToHaveAttributeAsync("data-state", "done");
            await app.Tab("Timeline").ClickAsync();
            await Expect(page.Locator("li.event[data-type='feature.completed']")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-result=total-cost] strong")).ToHaveTextAsync("$0.0000");
            await app.ScreenshotAsync("feature-completed-timeline");

            // Times read in the viewer's zone (the context runs in New York), not in UTC.
            await app.Tab("Overview").ClickAsync();
            var submitted = page.Locator(".meta time").First;
            (await submitted.GetAttributeAsync("title"))!.ShouldContain("America/New_York");
            (await submitted.TextContentAsync())!.ShouldNotContain("UTC");

            // The remaining pages, for their screenshots and to see they render.
            await app.NavigateAsync("Features");
            await Expect(page.Locator("tbody tr", new() { HasText = title }).Locator(".chip")).ToHaveTextAsync("Completed");
            await app.ScreenshotAsync("board-completed");
            await app.NavigateAsync("System");
            await Expect(page.Locator("[data-component=database] .health-status")).ToHaveTextAsync("Healthy");
            await Expect(page.Locator("[data-component=api] .health-status")).ToHaveTextAsync("Healthy");
            await app.ScreenshotAsync("system");
            await app.NavigateAsync("Agents & keys");
            // The tenant's keys, listed without their secrets: the admin key the platform started with.
            await Expect(page.Locator("main table")).ToContainTextAsync("admin");
            await app.ScreenshotAsync("keys");

            await app.AssertNoReloadAsync();
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
}
