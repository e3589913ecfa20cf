using Builder.Tests.Deployment;
using Builder.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Builder.Tests.Browser;

/// <summary>The Services page: what runs deployed, and a live version rolled back with a confirmation.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ServicesPageTests(RunningPlatform platform, ITestOutputHelper output)
{
    async Task DeployAsync(Guid repositoryId, string version)
    {
        var id = await platform.Admin.SubmitAsync(repositoryId, $"Version {version}", [BuilderApi.File("version.txt", version + "\n", "replace")]);
        (await platform.Admin.WaitForEndAsync(id, TimeSpan.FromMinutes(3)))["status"]!.GetValue<string>().ShouldBe("Completed");
    }

    [Fact]
    public async Task A_live_version_is_rolled_back_from_the_services_page_after_a_confirmation()
    {
        var name = $"svc-{Guid.NewGuid():N}"[..20];
        using var repository = LocalDeployTests.ServiceRepository(name);
        var repositoryId = await platform.Admin.RegisterRepositoryAsync(repository.RemotePath);
        await DeployAsync(repositoryId, "1");
        await DeployAsync(repositoryId, "2");

        var page = await platform.NewPageAsync(1280, 800);
        var app = new Dashboard(page, "services");
        try
        {
            await app.OpenAndSignInAsync("/services");
            var row = page.Locator($"tr[data-service='{name}']");
            await Expect(row.Locator("[data-role=live]")).ToHaveTextAsync("version 2 (live)");

            await row.GetByRole(AriaRole.Button, new() { Name = $"Roll back… {name}" }).ClickAsync();
            await Expect(row.GetByRole(AriaRole.Group, new() { Name = $"Roll back {name}?" })).ToContainTextAsync("Roll back version 2?");
            await app.ScreenshotAsync("confirm-rollback");
            await row.GetByRole(AriaRole.Button, new() { Name = $"Roll back {name}" }).ClickAsync();

            await Expect(page.Locator("p.success")).ToContainTextAsync($"Rolling {name} back from version 2 to version 1.");
            await Expect(row.Locator("[data-role=live]")).ToHaveTextAsync("version 1 (live)", new() { Timeout = 30_000 });
            await app.ScreenshotAsync("rolled-back");
        }
        catch
        {
            output.WriteLine(platform.Api.RecentLog);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
