using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Builder.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Builder.Tests.Browser;

/// <summary>
/// The Environments &amp; tools page: the environment images the tenant's runs used (size, use, build
/// log), the tools folder's tools with their input and where they run, and recent executions with their logs.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ToolsPageTests(RunningPlatform platform, ITestOutputHelper output)
{
    [Fact]
    public async Task Tools_and_their_recent_executions_are_listed_with_a_readable_log()
    {
        using var executed = await platform.Admin.Http.PostAsJsonAsync("/api/tools/word-count/execute", new { input = new { text = "shown on the page" } });
        var execution = JsonNode.Parse(await executed.Content.ReadAsStringAsync())!;
        execution["status"]!.GetValue<string>().ShouldBe("succeeded", execution.ToJsonString());

        await OnPageAsync("tools", async (page, app) =>
        {
            await app.OpenAndSignInAsync("/tools");
            var tool = page.Locator("tr[data-tool='word-count']");
            await Expect(tool).ToContainTextAsync("Counts the words of a text.");
            await Expect(tool.Locator("[data-role=input]")).ToHaveTextAsync("text: string");
            // The execution built the tool's image on the engine.
            await Expect(tool.Locator("[data-role=health]")).ToHaveTextAsync("image built");

            var row = page.Locator($"tr[data-execution='{execution["id"]}']");
            await Expect(row.Locator("[data-role=status]")).ToHaveTextAsync("succeeded");
            await row.GetByRole(AriaRole.Button).ClickAsync();
            await Expect(row.Locator("pre.log")).ToContainTextAsync("counting words for word-count");
        });
    }

    [Fact]
    public async Task An_environment_image_a_run_used_is_listed_with_its_size_its_runs_and_its_build_log()
    {
        // A variable of its own makes a new image each test run: the engine's images outlive test runs.
        using var repository = TestRepository.Create(new Dictionary<string, string>
        {
            ["Makefile"] = "build:\n\t@echo built\n\ntest:\n\t@echo tested\n",
            ["value.txt"] = "0\n",
            [".builder/environment.yaml"] = $"base: debian-bookworm\nvariables:\n  TEST_RUN: \"{Guid.NewGuid():N}\"\n",
        });
        var name = $"env-{Guid.NewGuid():N}"[..16];
        var repositoryId = await platform.Admin.RegisterRepositoryAsync(repository.RemotePath, name);
        var id = await platform.Admin.SubmitAsync(repositoryId, "Value in its environment", [BuilderApi.File("value.txt", "1\n", "replace")]);
        var feature = await platform.Admin.WaitForEndAsync(id, TimeSpan.FromMinutes(4));
        feature["status"]!.GetValue<string>().ShouldBe("Completed", feature.ToJsonString());
        var tag = (await platform.Admin.EventsAsync(id)).Single(e => (string)e!["type"]! == "environment.image_built")!["payload"]!["image"]!.GetValue<string>();

        await OnPageAsync("environments", async (page, app) =>
        {
            await app.OpenAndSignInAsync("/tools");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Environments & tools");
            var image = page.Locator($"tr[data-image='{tag}']");
            // The engine lists its images (and their sizes) in seconds on a loaded machine with many of them.
            await Expect(image).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Expect(image.Locator("[data-role=size]")).ToHaveTextAsync(new Regex(@"^\d+(\.\d+)? (B|KiB|MiB|GiB)$"));
            await Expect(image.Locator("[data-role=used-by]")).ToContainTextAsync($"{name}, 1 run");
            await Expect(image.Locator("[data-role=used-by] a")).ToHaveTextAsync("Value in its environment");
            await Expect(image.Locator("[data-role=used-by] a")).ToHaveAttributeAsync("href", $"/features/{id}");

            await image.GetByRole(AriaRole.Button, new() { Name = "Show log" }).ClickAsync();
            await Expect(image.Locator("pre.log")).ToContainTextAsync($"[builder] image {tag} built in");
        });
    }

    /// <summary>A signed-in tab of the page; a screenshot named for the device when it passes, the Api's log when it does not.</summary>
    async Task OnPageAsync(string device, Func<IPage, Dashboard, Task> act)
    {
        var page = await platform.NewPageAsync(1280, 800);
        var app = new Dashboard(page, device);
        try
        {
            await act(page, app);
            await app.ScreenshotAsync(device);
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
