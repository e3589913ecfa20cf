using System.Reflection;
using Builder.Web.Components.Features;
using Builder.Web.Components.Layout;
using Builder.Web.Components.Pages;
using Builder.Web.Services;
using Builder.Web.Account;
using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Builder.Tests.Web;

/// <summary>Signing in and out with an API key, against the fake API.</summary>
public sealed class SignInSpecs
{
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
        home.WaitForAssertion(() => web.Api.Requests.ShouldContain(r => r.Path == "/api/board" && r.Authorization == $"Bearer {FakeBuilderApi.Key}"), WebHarness.Patience);
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
    public async Task The_sign_out_button_posts_to_the_endpoint_that_clears_the_cookie()
    {
        await using var web = await WebHarness.StartAsync();
        await using var circuit = web.CreateCircuit();
        var header = circuit.Render<SessionBar>();

        circuit.SignIn();

        header.WaitForAssertion(() => header.Find("button").TextContent.ShouldBe("Sign out"), WebHarness.Patience);
        var form = header.Find("form.sign-out-form");
        form.GetAttribute("method").ShouldBe("post");
        form.GetAttribute("action").ShouldBe("/account/sign-out");
        header.Find("button").GetAttribute("type").ShouldBe("submit");
    }

    [Fact]
    public async Task A_circuit_opened_with_the_sign_in_cookie_is_signed_in_before_the_page_renders()
    {
        await using var web = await WebHarness.StartAsync();
        await using var circuit = web.CreateCircuit(out var services);
        var me = new Me(Guid.NewGuid(), FakeBuilderApi.TenantName, FakeBuilderApi.KeyName, ["admin"]);
        var authentication = (IHostEnvironmentAuthenticationStateProvider)services.GetRequiredService<AuthenticationStateProvider>();
        authentication.SetAuthenticationState(Task.FromResult(new AuthenticationState(SessionClaims.Create(FakeBuilderApi.Key, me))));

        foreach (var handler in services.GetServices<CircuitHandler>())
            await handler.OnCircuitOpenedAsync(null!, CancellationToken.None);
        var home = circuit.Render<Home>();

        home.FindComponents<FeatureBoard>().Count.ShouldBe(1);
        home.FindAll("#api-key").ShouldBeEmpty();
        services.GetRequiredService<ApiSession>().Me!.KeyName.ShouldBe(FakeBuilderApi.KeyName);
        home.WaitForAssertion(() => web.Api.Requests.ShouldContain(r => r.Path == "/api/board" && r.Authorization == $"Bearer {FakeBuilderApi.Key}"), WebHarness.Patience);
    }

    [Fact]
    public async Task A_circuit_opened_with_the_cookie_of_a_revoked_key_shows_the_form_and_says_why()
    {
        await using var web = await WebHarness.StartAsync();
        web.Api.KeyRevoked = true;
        await using var circuit = web.CreateCircuit(out var services);
        var me = new Me(Guid.NewGuid(), FakeBuilderApi.TenantName, FakeBuilderApi.KeyName, ["admin"]);
        var authentication = (IHostEnvironmentAuthenticationStateProvider)services.GetRequiredService<AuthenticationStateProvider>();
        authentication.SetAuthenticationState(Task.FromResult(new AuthenticationState(SessionClaims.Create(FakeBuilderApi.Key, me))));

        foreach (var handler in services.GetServices<CircuitHandler>())
            await handler.OnCircuitOpenedAsync(null!, CancellationToken.None);
        var home = circuit.Render<Home>();

        home.FindComponents<FeatureBoard>().ShouldBeEmpty();
        home.Find(".notice").TextContent.ShouldContain("no longer accepted");
        services.GetRequiredService<ApiSession>().IsSignedIn.ShouldBeFalse();
        web.Api.Requests.ShouldNotContain(r => r.Path == "/api/board");
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

        // What the circuit sees of a sign-out: the cookie is the endpoint's (SignInCookieHttpTests).
        await home.InvokeAsync(() => services.GetRequiredService<ApiSession>().SignOut());

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
        await Consistently.True(() => Task.FromResult(web.Api.Requests.Count == settled), "no more requests from the board", TimeSpan.FromMilliseconds(500));
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
}

static class CircuitExtensions
{
    /// <summary>
    /// Renders the home page and signs the circuit in, as the cookie does when a circuit starts
    /// (the form itself posts outside the circuit: SignInCookieHttpTests).
    /// </summary>
    public static IRenderedComponent<Home> SignIn(this BunitContext circuit, string key = FakeBuilderApi.Key)
    {
        var home = circuit.Render<Home>();
        home.Find("#api-key");
        var api = circuit.Services.GetRequiredService<BuilderApiClient>();
        api.SignInAsync(key).GetAwaiter().GetResult().ShouldBeTrue();
        return home;
    }
}
