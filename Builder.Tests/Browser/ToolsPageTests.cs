using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Builder.Tests.Browser;

/// <summary>The Tools page: the tools folder's tools with their input and where they run, and recent executions with their logs.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ToolsPageTests(RunningPlatform platform, ITestOutputHelper output)
{
    [Fact]
    public async Task Tools_and_their_recent_executions_are_listed_with_a_readable_log()
    {
        using var executed = await platform.Admin.Http.PostAsJsonAsync("/api/tools/word-count/execute", new { input = new { text = "shown on the page" } });
        var execution = JsonNode.Parse(await executed.Content.ReadAsStringAsync())!;
        execution["status"]!.GetValue<string>().ShouldBe("succeeded", execution.ToJsonString());

        var page = await platform.NewPageAsync(1280, 800);
        var app = new Dashboard(page, "tools");
        try
        {
            await app.OpenAndSignInAsync("/tools");
            var tool = page.Locator("tr[data-tool='word-count']");
            await Expect(tool).ToContainTextAsync("Counts the words of a text.");
            await Expect(tool.Locator("[data-role=input]")).ToHaveTextAsync("text: string");
            await Expect(tool.Locator("[data-role=health]")).ToContainTextAsync("runs in the worker's sandbox");

            var row = page.Locator($"tr[data-execution='{execution["id"]}']");
            await Expect(row.Locator("[data-role=status]")).ToHaveTextAsync("succeeded");
            await row.GetByRole(AriaRole.Button).ClickAsync();
            await Expect(row.Locator("pre.log")).ToContainTextAsync("counting words for word-count");
            await app.ScreenshotAsync("tools");
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
