using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace Builder.Tests.Web;

/// <summary>The sign-in form's post and the cookie it sets, over plain HTTP as the browser sends them.</summary>
public sealed partial class SignInCookieHttpTests
{
    [Fact]
    public async Task A_key_the_API_accepts_sets_an_encrypted_http_only_strict_cookie_and_returns_to_the_page()
    {
        await using var web = await WebHarness.StartAsync();
        using var http = Browser(web);

        var response = await PostSignInAsync(http, FakeBuilderApi.Key, "/keys");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe("/keys");
        var cookie = SessionCookie(response).ShouldNotBeNull();
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=strict", Case.Insensitive);
        cookie.ShouldContain("expires=", Case.Insensitive);
        cookie.ShouldNotContain(FakeBuilderApi.Key);
        web.Api.Requests.ShouldContain(r => r.Path == "/api/me" && r.Authorization == $"Bearer {FakeBuilderApi.Key}");

        // The next request carries the cookie: the page waits for its circuit instead of asking for a key.
        var page = await http.GetStringAsync("/keys");
        page.ShouldNotContain("id=\"api-key\"");
        page.ShouldContain("Loading…");
    }

    [Fact]
    public async Task A_key_the_API_rejects_returns_to_the_form_with_the_reason_and_no_cookie()
    {
        await using var web = await WebHarness.StartAsync();
        using var http = Browser(web);

        var response = await PostSignInAsync(http, "bk_not_a_real_key", "/approvals");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe("/sign-in?problem=rejected&returnUrl=%2Fapprovals");
        SessionCookie(response).ShouldBeNull();
        var page = await http.GetStringAsync(response.Headers.Location!.OriginalString);
        page.ShouldContain("That key was not accepted.");
        page.ShouldContain("name=\"returnUrl\" value=\"/approvals\"");
    }

    [Fact]
    public async Task A_pasted_key_with_a_line_break_is_refused_without_asking_the_API()
    {
        await using var web = await WebHarness.StartAsync();
        using var http = Browser(web);

        var response = await PostSignInAsync(http, "bk_first_half\nsecond_half", "/");

        response.Headers.Location!.OriginalString.ShouldStartWith("/sign-in?problem=rejected");
        web.Api.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_API_that_does_not_answer_is_reported_as_unreachable()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var web = await WebHarness.StartAsync(apiAddress: new Uri($"http://127.0.0.1:{closedPort}"));
        using var http = Browser(web);

        var response = await PostSignInAsync(http, FakeBuilderApi.Key, "/");

        response.Headers.Location!.OriginalString.ShouldStartWith("/sign-in?problem=unreachable");
        (await http.GetStringAsync(response.Headers.Location!.OriginalString)).ShouldContain("The Builder API cannot be reached right now.");
    }

    [Fact]
    public async Task A_return_address_on_another_site_is_replaced_by_the_board()
    {
        await using var web = await WebHarness.StartAsync();
        using var http = Browser(web);

        var response = await PostSignInAsync(http, FakeBuilderApi.Key, "//evil.example/steal");

        response.Headers.Location!.OriginalString.ShouldBe("/");
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused()
    {
        await using var web = await WebHarness.StartAsync();
        using var http = Browser(web);

        var response = await http.PostAsync("/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = FakeBuilderApi.Key }));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        SessionCookie(response).ShouldBeNull();
    }

    [Fact]
    public async Task Signing_out_expires_the_cookie_and_the_next_page_asks_for_a_key()
    {
        await using var web = await WebHarness.StartAsync();
        using var http = Browser(web);
        await PostSignInAsync(http, FakeBuilderApi.Key, "/");
        var token = AntiforgeryToken().Match(await http.GetStringAsync("/")).Groups["token"].Value;
        // Signed in, the first page shows no form; the sign-out form lives in the circuit's header.
        token = token.Length > 0 ? token : AntiforgeryToken().Match(await http.GetStringAsync("/sign-in")).Groups["token"].Value;

        var response = await http.PostAsync("/account/sign-out", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe("/");
        SessionCookie(response).ShouldNotBeNull().ShouldContain("expires=Thu, 01 Jan 1970", Case.Insensitive);
        (await http.GetStringAsync("/keys")).ShouldContain("id=\"api-key\"");
    }

    [Fact]
    public async Task The_keys_that_encrypt_the_cookie_are_kept_in_the_data_directory()
    {
        var data = Directory.CreateTempSubdirectory("builder-web-");
        try
        {
            await using var web = await WebHarness.StartAsync(settings: new Dictionary<string, string?> { ["Builder:DataDirectory"] = data.FullName });
            using var http = Browser(web);

            await PostSignInAsync(http, FakeBuilderApi.Key, "/");

            Directory.GetFiles(Path.Combine(data.FullName, "data-protection-keys"), "key-*.xml").ShouldNotBeEmpty();
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_sign_in_lifetime_of_zero_stops_the_app_at_start()
    {
        await using var web = await WebHarness.StartAsync(settings: new Dictionary<string, string?> { ["Builder:Web:SignInLifetime"] = "00:00:00" });

        var failure = Should.Throw<OptionsValidationException>(() => web.Factory.CreateClient());

        failure.Message.ShouldContain("SignInLifetime");
    }

    /// <summary>A client that keeps cookies, as a browser does, and shows redirects instead of following them.</summary>
    static HttpClient Browser(WebHarness web) =>
        web.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Loads the sign-in form for its antiforgery token, then posts it as the browser does.</summary>
    static async Task<HttpResponseMessage> PostSignInAsync(HttpClient http, string key, string returnUrl)
    {
        var form = await http.GetStringAsync("/sign-in");
        var token = AntiforgeryToken().Match(form).Groups["token"].Value;
        token.ShouldNotBeEmpty();
        return await http.PostAsync("/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["key"] = key,
            ["returnUrl"] = returnUrl,
        }));
    }

    static string? SessionCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.FirstOrDefault(c => c.StartsWith("builder-session=", StringComparison.Ordinal)) : null;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
