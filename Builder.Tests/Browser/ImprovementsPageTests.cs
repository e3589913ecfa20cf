using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Builder.Tests.Improvements;
using Builder.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Builder.Tests.Browser;

/// <summary>
/// The Improvements page (cycles, opportunities with their evidence, what was decided), a service's
/// telemetry page, and the flags on the System page switched by an administrator.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ImprovementsPageTests(RunningPlatform platform, ITestOutputHelper output)
{
    [Fact]
    public async Task A_cycle_shows_its_opportunity_and_evidence_the_service_page_its_telemetry_and_the_system_page_switches_flags()
    {
        var service = $"orders-{Guid.NewGuid():N}"[..20];
        using var repository = OrdersService.Create(service);
        var repositoryId = await platform.Admin.RegisterRepositoryAsync(repository.RemotePath);
        var deployed = await platform.Admin.WaitForEndAsync(
            await platform.Admin.SubmitAsync(repositoryId, "Deploy the orders service", [BuilderApi.File("NOTES.md", "Deployed.\n")]), TimeSpan.FromMinutes(3));
        deployed["status"]!.GetValue<string>().ShouldBe("Completed", deployed.ToJsonString());
        await Eventually.Until(async () => JsonNode.Parse(await platform.Admin.Http.GetStringAsync($"/api/services/{service}/telemetry"))!,
            t => t["endpoints"]!.AsArray().Any(e => (string?)e!["endpoint"] == "/orders" && e["requests"]!.GetValue<int>() >= 6),
            "/orders in the telemetry", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250));

        // The service also sends an error log record of its own over OTLP/HTTP JSON (an admin key holds telemetry:write too).
        using var export = new StringContent("""
            {"resourceLogs": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "orders"}}]}, "scopeLogs": [{"scope": {"name": "orders"}, "logRecords": [
              {"severityNumber": 17, "severityText": "ERROR", "body": {"stringValue": "checkout failed"}, "attributes": [
                {"key": "exception.type", "value": {"stringValue": "PaymentDeclinedError"}}, {"key": "exception.message", "value": {"stringValue": "card expired"}}]}]}]}]}
            """, System.Text.Encoding.UTF8, "application/json");
        var sent = await platform.Admin.Http.PostAsync($"/api/services/{service}/otlp/v1/logs", export);
        sent.StatusCode.ShouldBe(HttpStatusCode.OK, await sent.Content.ReadAsStringAsync());

        // This platform has no model configured: the cycle finds the opportunity and says why it started no run.
        var started = await platform.Admin.Http.PostAsJsonAsync("/api/improvements/cycles", new { analysisWindowHours = 1, maxImprovements = 1, services = new[] { service } });
        started.StatusCode.ShouldBe(HttpStatusCode.Created, await started.Content.ReadAsStringAsync());
        var cycle = JsonNode.Parse(await started.Content.ReadAsStringAsync())!;

        var page = await platform.NewPageAsync(1280, 900);
        var app = new Dashboard(page, "improvements");
        try
        {
            await app.OpenAndSignInAsync("/improvements");
            var card = page.Locator($"article[data-cycle='{cycle["id"]}']");
            await Expect(card.Locator("[data-role=state]")).ToHaveTextAsync("Completed");
            var failing = card.Locator($"tr[data-opportunity='failing-endpoint'][data-service='{service}']");
            await Expect(failing.Locator("[data-role=summary]")).ToContainTextAsync($"GET /orders of {service} failed 100 %");
            await Expect(failing.Locator("[data-role=decision]")).ToHaveTextAsync("not-started");
            await failing.Locator("summary").ClickAsync();
            await Expect(failing.Locator("[data-role=evidence]")).ToContainTextAsync("TypeError: orders is not iterable");
            await Expect(card.Locator("[data-role=notes]")).ToContainTextAsync("no run was started");
            await Expect(page.Locator("li[data-alarm='telemetry_breaker_open']").First).ToContainTextAsync("/metrics answered 503");
            await app.ScreenshotAsync("cycle");

            // Another cycle from the page: the open opportunity is found again, and again no run is started without a model.
            await page.GetByRole(AriaRole.Button, new() { Name = "Start a cycle" }).ClickAsync();
            await Expect(page.Locator("p.success")).ToContainTextAsync("0 runs started.");
            await Expect(page.Locator("article.cycle")).ToHaveCountAsync(2);

            await failing.GetByRole(AriaRole.Link, new() { Name = service }).ClickAsync();
            await Expect(page.Locator("#service-title")).ToHaveTextAsync(service);
            var orders = page.Locator("tr[data-version='1'][data-endpoint='/orders']");
            await Expect(orders.Locator("[data-role=error-rate]")).ToHaveTextAsync("100 %");
            await Expect(page.Locator("li[data-source='metrics']")).ToContainTextAsync("/metrics answered 503");
            await Expect(page.Locator("tr[data-signal='TypeError']")).ToContainTextAsync("orders is not iterable");
            await Expect(page.Locator("li[data-source='otlp'][data-version='1']")).ToBeVisibleAsync();
            await Expect(page.Locator("tr[data-signal='PaymentDeclinedError']")).ToContainTextAsync("PaymentDeclinedError: card expired");
            await app.ScreenshotAsync("service-telemetry");

            await app.NavigateAsync("System");
            var autonomy = page.Locator("li[data-flag='AutonomousImprovements']");
            var toggle = autonomy.GetByRole(AriaRole.Switch);
            await Expect(toggle).ToHaveAttributeAsync("aria-checked", "false");
            await Expect(autonomy.Locator("[data-role=source]")).ToHaveTextAsync("default");
            await toggle.ClickAsync();
            await Expect(toggle).ToHaveAttributeAsync("aria-checked", "true");
            await Expect(autonomy.Locator("[data-role=source]")).ToContainTextAsync("set for this tenant by");
            await app.ScreenshotAsync("flags");
            var flags = JsonNode.Parse(await platform.Admin.Http.GetStringAsync("/api/flags"))!.AsArray();
            flags.Single(f => (string?)f!["name"] == "AutonomousImprovements")!["enabled"]!.GetValue<bool>().ShouldBeTrue();
            await toggle.ClickAsync();
            await Expect(toggle).ToHaveAttributeAsync("aria-checked", "false");
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
