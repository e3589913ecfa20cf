using System.Reflection;
using Builder.Web.Components.Features;
using Builder.Web.Components.Layout;
using Builder.Web.Components.Pages;
using Builder.Web.Services;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Builder.Tests.Web;

/// <summary>Signing in and out with an API key, against the fake API.</summary>
public sealed class SignInSpecs
{
    [Fact]
    public async Task A_key_the_API_rejects_is_reported_as_not_accepted()
    {
        await using var web = await WebHarness.StartAsync();
        await using var circuit = web.CreateCircuit(out var services);

        var home = circuit.SignIn("bk_not_a_real_key");

        home.WaitForAssertion(() => home.Find("#sign-in-message").TextContent.ShouldBe("That key was not accepted."), WebHarness.Patience);
        home.Find("#api-key").GetAttribute("aria-invalid").ShouldBe("true");
        home.FindAll("table").ShouldBeEmpty();
        services.GetRequiredService<ApiSession>().IsSignedIn.ShouldBeFalse();
        web.Api.Requests.ShouldContain(r => r.Path == "/api/me" && r.Authorization == "Bearer bk_not_a_real_key");
    }

    [Fact]
    public async Task A_pasted_key_with_a_line_break_is_refused_without_asking_the_API()
    {
        await using var web = await WebHarness.StartAsync();
        await using var circuit = web.CreateCircuit();

        var home = circuit.SignIn("bk_first_half\nsecond_half");

        home.WaitForAssertion(() => home.Find("#sign-in-message").TextContent.ShouldBe("That key was not accepted."), WebHarness.Patience);
        web.Api.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_key_the_API_accepts_shows_the_board_and_the_tenant_in_the_header()
    {
        await using var web = await WebHarness.StartAsync();
        await using var circuit = web.CreateCircuit(out var services);
        var header = circuit.Render<SessionBar>();
        header.Markup.ShouldNotContain(FakeBuilderApi.TenantName);

        var home = circuit.SignIn();

        home.WaitForAssertion(() => home.Find("h1#board-title").TextContent.ShouldBe("Features"), WebHarness.Patience);
        header.WaitForAssertion(() => header.Find(".tenant").TextContent.ShouldContain(FakeBuilderApi.TenantName), WebHarness.Patience);
        header.Find(".key-name").TextContent.ShouldContain(FakeBuilderApi.KeyName);
        services.GetRequiredService<ApiSession>().Me!.TenantName.ShouldBe(FakeBuilderApi.TenantName);
        // The board asks for its first page once it has rendered: wait for the request, not for a moment.
        home.WaitForAssertion(() => web.Api.Requests.ShouldContain(r => r.Path == "/api/board" && r.Authorization == $"Bearer {FakeBuilderApi.Key}"),
            WebHarness.Patience);
    }

    [Fact]
    public async Task The_key_never_appears_in_what_is_rendered()
    {
        await using var web = await WebHarness.StartAsync();
        web.Api.SetFeatures(FakeFeature.Make("Add CSV export", "Running", TimeSpan.FromMinutes(5), "build", 40));
        await using var circuit = web.CreateCircuit();
        var header = circuit.Render<SessionBar>();

        var home = circuit.SignIn();

        home.WaitForAssertion(() => home.FindAll("tbody tr").Count.ShouldBe(1), WebHarness.Patience);
        home.Markup.ShouldNotContain(FakeBuilderApi.Key);
        header.Markup.ShouldNotContain(FakeBuilderApi.Key);
    }

    [Fact]
    public async Task After_sign_in_the_focus_moves_to_the_board_heading()
    {
        await using var web = await WebHarness.StartAsync();
        await using var circuit = web.CreateCircuit();

        var home = circuit.SignIn();

        home.WaitForAssertion(() => home.FindComponents<FeatureBoard>().Count.ShouldBe(1), WebHarness.Patience);
        var board = home.FindComponent<FeatureBoard>();
        // bUnit's markup does not reliably carry element reference ids, so read the heading's
        // reference from the component itself.
        var heading = (ElementReference)typeof(FeatureBoard).GetField("heading", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(board.Instance)!;
        board.WaitForAssertion(() =>
        {
            var lastFocus = circuit.JSInterop.Invocations.Last(i => i.Identifier.Contains("focus", StringComparison.OrdinalIgnoreCase));
            ((ElementReference)lastFocus.Arguments[0]!).Id.ShouldBe(heading.Id);
        }, WebHarness.Patience);
        heading.Id.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Signing_out_forgets_the_key_and_shows_the_form_again()
    {
        await using var web = await WebHarness.StartAsync();
        await using var circuit = web.CreateCircuit(out var services);
        var header = circuit.Render<SessionBar>();
        var home = circuit.SignIn();
        home.WaitForAssertion(() => home.FindComponents<FeatureBoard>().Count.ShouldBe(1), WebHarness.Patience);
        header.WaitForAssertion(() => header.Find("button").TextContent.ShouldBe("Sign out"), WebHarness.Patience);

        header.Find("button").Click();

        home.WaitForAssertion(() => home.FindAll("#api-key").Count.ShouldBe(1));
        header.WaitForAssertion(() => header.FindAll(".tenant").ShouldBeEmpty(), WebHarness.Patience);
        var session = services.GetRequiredService<ApiSession>();
        session.IsSignedIn.ShouldBeFalse();
        var refused = await Should.ThrowAsync<BuilderApiException>(() =>
            services.GetRequiredService<BuilderApiClient>().GetFeaturesAsync(new FeatureQuery(Page: 7)));
        refused.StatusCode.ShouldBe(401);
        web.Api.Requests.ShouldNotContain(r => r.Query.Contains("page=7"));

        // A refresh may have been on the wire at the click; after that the board has stopped.
        await Task.Delay(500);
        var settled = web.Api.Requests.Count;
        await Task.Delay(500);
        web.Api.Requests.Count.ShouldBe(settled);
    }

    [Fact]
    public async Task A_key_revoked_while_the_board_is_open_signs_the_tab_out_and_says_why()
    {
        await using var web = await WebHarness.StartAsync();
        await using var circuit = web.CreateCircuit(out var services);
        var home = circuit.SignIn();
        home.WaitForAssertion(() => home.FindComponents<FeatureBoard>().Count.ShouldBe(1), WebHarness.Patience);

        web.Api.KeyRevoked = true;

        home.WaitForAssertion(() => home.Find(".notice").TextContent.ShouldContain("no longer accepted"), WebHarness.Patience);
        home.FindAll("#api-key").Count.ShouldBe(1);
        services.GetRequiredService<ApiSession>().IsSignedIn.ShouldBeFalse();
    }

    [Fact]
    public async Task An_API_that_does_not_answer_is_reported_as_unreachable()
    {
        var closedPort = FreeLoopbackPort();
        await using var web = await WebHarness.StartAsync(apiAddress: new Uri($"http://127.0.0.1:{closedPort}"));
        await using var circuit = web.CreateCircuit();

        var home = circuit.SignIn();

        home.WaitForAssertion(() => home.Find("#sign-in-message").TextContent.ShouldBe("The Builder API cannot be reached right now."), WebHarness.Patience);
    }

    static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

static class CircuitExtensions
{
    /// <summary>Renders the home page and signs in through its form, as a person would.</summary>
    public static IRenderedComponent<Home> SignIn(this BunitContext circuit, string key = FakeBuilderApi.Key)
    {
        var home = circuit.Render<Home>();
        home.Find("#api-key").Input(key);
        home.Find("form").Submit();
        return home;
    }
}
