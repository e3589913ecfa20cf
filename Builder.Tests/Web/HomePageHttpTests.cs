using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Builder.Tests.Web;

/// <summary>The dashboard over plain HTTP, as a browser's first request sees it.</summary>
public sealed partial class HomePageHttpTests
{
    [Fact]
    public async Task The_first_page_answers_200_with_the_sign_in_form()
    {
        await using var web = await WebHarness.StartAsync();
        using var http = web.Factory.CreateClient();

        var response = await http.GetAsync("/");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("<h1 id=\"sign-in-title\"");
        html.ShouldContain("<label for=\"api-key\">API key</label>");
        html.ShouldMatch("<input id=\"api-key\" type=\"password\"");
        // A plain post, so that the answer can set the cookie.
        html.ShouldContain("action=\"/account/sign-in\"");
        // Until the circuit is up what is typed would be lost, so the form must not look ready.
        ButtonTag().Match(html).Value.ShouldContain("disabled");
        html.ShouldContain("_framework/blazor.web.js");
        html.ShouldNotContain("<table");
        // Prerendering never calls the API: there is no key to call it with.
        web.Api.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_stylesheet_the_page_links_is_served()
    {
        await using var web = await WebHarness.StartAsync();
        using var http = web.Factory.CreateClient();
        var html = await http.GetStringAsync("/");

        var href = StylesheetHref().Match(html).Groups["href"].Value;
        href.ShouldStartWith("app.");

        var css = await http.GetAsync("/" + href);
        css.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await css.Content.ReadAsStringAsync()).ShouldContain(".chip-running");
    }

    [Fact]
    public async Task An_unknown_address_answers_404_with_a_page_that_leads_back()
    {
        await using var web = await WebHarness.StartAsync();
        using var http = web.Factory.CreateClient();

        var response = await http.GetAsync("/no-such-page");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("Not found");
        html.ShouldContain("href=\"/\"");
    }

    [Fact]
    public async Task The_health_endpoints_answer()
    {
        await using var web = await WebHarness.StartAsync();
        using var http = web.Factory.CreateClient();

        (await http.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http.GetAsync("/alive")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_refresh_interval_of_zero_stops_the_app_at_start()
    {
        await using var web = await WebHarness.StartAsync(refresh: TimeSpan.Zero);

        var failure = Should.Throw<Exception>(() => web.Factory.CreateClient());
        if (failure is ObjectDisposedException)
        {
            // WebApplicationFactory now and then reports a start that failed as its own disposed host
            // (it reads the host while the failed start disposes it); a second start names the cause.
            await using var again = await WebHarness.StartAsync(refresh: TimeSpan.Zero);
            failure = Should.Throw<Exception>(() => again.Factory.CreateClient());
        }

        failure.ShouldBeOfType<OptionsValidationException>().Message.ShouldContain("RefreshInterval");
    }

    [GeneratedRegex("<button type=\"submit\"[^>]*>")]
    private static partial Regex ButtonTag();

    [GeneratedRegex("<link rel=\"stylesheet\" href=\"(?<href>[^\"]+)\"")]
    private static partial Regex StylesheetHref();
}
