using Builder.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Builder.Tests.Browser;

/// <summary>How a run that does not complete looks: rejected at a gate with notes, or failed in a phase with its log.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RunOutcomeTests(RunningPlatform platform, ITestOutputHelper output)
{
    [Fact]
    public async Task Rejecting_with_notes_shows_Rejected_and_the_notes_in_the_timeline()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await platform.Admin.RegisterRepositoryAsync(repository.RemotePath);
        var id = await platform.Admin.SubmitAsync(repositoryId, "A change nobody wants", [BuilderApi.File("value.txt", "42\n", "replace")], "checkpoints");
        var page = await platform.NewPageAsync(1280, 800);
        var app = new Dashboard(page, "reject");
        try
        {
            await app.OpenAndSignInAsync($"/features/{id}");
            await app.ExpectStatusAsync("Awaiting approval");

            await app.Button("Reject…").ClickAsync();
            // The notes box takes the focus, so the reason can be typed at once.
            await Expect(page.GetByLabel("Why (optional, kept in the run's events)")).ToBeFocusedAsync();
            await page.GetByLabel("Why (optional, kept in the run's events)").FillAsync("Out of scope for this quarter.");
            await app.ScreenshotAsync("confirm-reject");
            await app.Button("Reject run").ClickAsync();

            await Expect(page.Locator("p.success")).ToContainTextAsync("Rejected “A change nobody wants”");
            await app.ExpectStatusAsync("Rejected");
            await app.Button("Approve plan").ShouldNotBeVisibleAsync();
            await app.Tab("Timeline").ClickAsync();
            await Expect(page.Locator("li.event[data-type='feature.rejected'] .event-summary")).ToContainTextAsync("Out of scope for this quarter.");
            await app.ScreenshotAsync("rejected");
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

    [Fact]
    public async Task A_failed_run_shows_the_failing_phase_and_its_log()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await platform.Admin.RegisterRepositoryAsync(repository.RemotePath);
        var id = await platform.Admin.SubmitAsync(repositoryId, "Wrong answer", [BuilderApi.File("value.txt", "41\n", "replace")]);
        var page = await platform.NewPageAsync(1280, 800);
        var app = new Dashboard(page, "failed");
        try
        {
            await app.OpenAndSignInAsync($"/features/{id}");
            await app.ExpectStatusAsync("Failed");

            var verify = page.Locator("li.phase[data-phase=verify]");
            await Expect(verify).ToHaveAttributeAsync("data-state", "failed");
            await Expect(verify.Locator(".phase-state")).ToHaveTextAsync("Failed");
            await Expect(page.Locator("li.phase[data-phase=build]")).ToHaveAttributeAsync("data-state", "done");
            await Expect(page.Locator("li.phase[data-phase=deliver]")).ToHaveAttributeAsync("data-state", "pending");
            await Expect(page.Locator(".failure h2")).ToContainTextAsync("Failed in Verify");
            await Expect(page.Locator(".failure h2")).ToContainTextAsync("tests_failed");
            // The bar of a failed run is not the running blue.
            await Expect(page.Locator(".feature-status .progress")).ToHaveAttributeAsync("data-tone", "failed");
            (await page.Locator(".feature-status progress").EvaluateAsync<string>("e => getComputedStyle(e).accentColor")).ShouldBe("rgb(207, 34, 46)");
            await app.ScreenshotAsync("failed-overview");

            await app.Button("Open test.log").ClickAsync();
            var log = page.Locator(".log-viewer pre.log");
            await Expect(log).ToContainTextAsync("make test");
            await Expect(log).ToContainTextAsync("exit code 2");
            await page.GetByLabel("Search test.log").FillAsync("exit code 2");
            await Expect(page.Locator(".log-count")).ToContainTextAsync("1 of");
            await app.ScreenshotAsync("failed-log");

            // Retry runs the same feature again from Plan: the page follows it, and it fails the same way.
            await app.Button("Retry").ClickAsync();
            await Expect(page.Locator("p.success")).ToContainTextAsync("Retrying");
            await app.ExpectStatusAsync("Failed");
            await Expect(page.Locator("li.phase[data-phase=verify]")).ToHaveAttributeAsync("data-state", "failed");
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

static class LocatorExtensions
{
    public static Task ShouldNotBeVisibleAsync(this ILocator locator) => Expect(locator).ToHaveCountAsync(0);
}
