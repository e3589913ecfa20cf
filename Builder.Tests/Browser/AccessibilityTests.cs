using System.Text.Json;
using Builder.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Builder.Tests.Browser;

/// <summary>
/// Every interactive element has an accessible name (from Chromium's own accessibility tree) and is
/// reachable with the Tab key, on the feature page and in the approvals inbox.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(RunningPlatform platform, ITestOutputHelper output)
{
    /// <summary>Roles a person operates; each needs a name to be told apart by a screen reader.</summary>
    static readonly HashSet<string> InteractiveRoles =
        ["button", "link", "textbox", "searchbox", "combobox", "checkbox", "radio", "tab", "spinbutton", "slider", "switch", "menuitem", "listbox", "DisclosureTriangle"];

    [Fact]
    public async Task The_feature_page_and_the_inbox_name_every_control_and_reach_each_by_keyboard()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await platform.Admin.RegisterRepositoryAsync(repository.RemotePath);
        var id = await platform.Admin.SubmitAsync(repositoryId, "Accessible answer", [BuilderApi.File("value.txt", "42\n", "replace")], "checkpoints");
        await platform.Admin.WaitForStatusAsync(id, "AwaitingApproval");
        (await platform.Admin.ActAsync(id, "approve")).EnsureSuccessStatusCode();
        await platform.Admin.WaitAsync(id, f => (string?)f["gate"] == "release", what: "the release gate");

        var page = await platform.NewPageAsync(1280, 800);
        var app = new Dashboard(page, "a11y");
        try
        {
            await app.OpenAndSignInAsync($"/features/{id}");
            await app.ExpectStatusAsync("Awaiting approval");
            await Expect(page.Locator(".plan-summary")).ToBeVisibleAsync();
            await CheckAsync(page, "feature page, overview");

            await app.Tab("Changes").ClickAsync();
            await Expect(page.Locator("details.diff-file")).ToBeVisibleAsync();
            await CheckAsync(page, "feature page, changes");

            await app.Button("Reject…").ClickAsync();
            await CheckAsync(page, "feature page, reject confirmation");

            await app.NavigateAsync("Approvals");
            await Expect(page.Locator(".inbox-item", new() { HasText = "Accessible answer" })).ToBeVisibleAsync();
            await CheckAsync(page, "approvals inbox");
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

    async Task CheckAsync(IPage page, string where)
    {
        var unnamed = await UnnamedControlsAsync(page);
        unnamed.ShouldBeEmpty($"controls without an accessible name on the {where}");
        var unreachable = await UnreachableByTabAsync(page);
        unreachable.ShouldBeEmpty($"controls the Tab key never reaches on the {where}");
    }

    /// <summary>Walks Chromium's full accessibility tree (through the DevTools protocol): the names assistive technology gets.</summary>
    static async Task<IReadOnlyList<string>> UnnamedControlsAsync(IPage page)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        try
        {
            var tree = await cdp.SendAsync("Accessibility.getFullAXTree");
            var problems = new List<string>();
            var controls = 0;
            foreach (var node in tree!.Value.GetProperty("nodes").EnumerateArray())
            {
                if (node.TryGetProperty("ignored", out var ignored) && ignored.GetBoolean())
                    continue;
                var role = node.TryGetProperty("role", out var r) && r.TryGetProperty("value", out var rv) ? rv.GetString() ?? "" : "";
                if (!InteractiveRoles.Contains(role))
                    continue;
                controls++;
                var name = node.TryGetProperty("name", out var n) && n.TryGetProperty("value", out var nv) && nv.ValueKind == JsonValueKind.String ? nv.GetString() : null;
                if (string.IsNullOrWhiteSpace(name))
                    problems.Add($"{role} (DOM node {(node.TryGetProperty("backendDOMNodeId", out var b) ? b.GetInt32() : 0)}): {await DescribeAsync(page, node)}");
            }
            controls.ShouldBeGreaterThan(5, "the accessibility tree has hardly any controls: the page did not render?");
            return problems;
        }
        finally
        {
            await cdp.DetachAsync();
        }
    }

    static async Task<string> DescribeAsync(IPage page, JsonElement node)
    {
        if (!node.TryGetProperty("backendDOMNodeId", out var id))
            return "?";
        var cdp = await page.Context.NewCDPSessionAsync(page);
        try
        {
            var html = await cdp.SendAsync("DOM.getOuterHTML", new Dictionary<string, object> { ["backendNodeId"] = id.GetInt32() });
            var text = html?.GetProperty("outerHTML").GetString() ?? "?";
            return text.Length > 200 ? text[..200] + "…" : text;
        }
        catch (PlaywrightException)
        {
            return "?";
        }
        finally
        {
            await cdp.DetachAsync();
        }
    }

    /// <summary>
    /// Marks every visible, enabled control, presses Tab through the page and returns those never
    /// focused. A radio group is one Tab stop (arrows move within it), so reaching one radio of a
    /// group reaches the group.
    /// </summary>
    static async Task<IReadOnlyList<string>> UnreachableByTabAsync(IPage page)
    {
        var count = await page.EvaluateAsync<int>("""
            () => {
                const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
                let n = 0;
                for (const el of document.querySelectorAll('[data-a11y]')) el.removeAttribute('data-a11y');
                for (const el of document.querySelectorAll(selector)) {
                    if (el.disabled || el.closest('[inert]')) continue;
                    const box = el.getBoundingClientRect();
                    const style = getComputedStyle(el);
                    if (box.width === 0 && box.height === 0) continue;
                    if (style.visibility === 'hidden' || style.display === 'none') continue;
                    el.setAttribute('data-a11y', String(n++));
                }
                document.activeElement?.blur();
                return n;
            }
            """);
        var reached = new HashSet<string>();
        for (var i = 0; i < count + 15; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var key = await page.EvaluateAsync<string?>("""
                () => {
                    const el = document.activeElement;
                    if (!el || !el.hasAttribute('data-a11y')) return null;
                    return el.type === 'radio' && el.name ? 'radio:' + el.name : el.getAttribute('data-a11y');
                }
                """);
            if (key is not null)
                reached.Add(key);
        }
        return await page.EvaluateAsync<string[]>("""
            reached => [...document.querySelectorAll('[data-a11y]')]
                .filter(el => !reached.includes(el.getAttribute('data-a11y')) && !(el.type === 'radio' && el.name && reached.includes('radio:' + el.name)))
                .map(el => el.outerHTML.slice(0, 160))
            """, reached.ToArray());
    }
}
