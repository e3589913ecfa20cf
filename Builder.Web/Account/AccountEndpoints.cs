using Builder.Web.Services;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Builder.Web.Account;

/// <summary>
/// Sign-in and sign-out as plain form posts: a circuit talks over a WebSocket and cannot set a
/// cookie, so these two are ordinary requests that answer with a redirect.
/// </summary>
public static class AccountEndpoints
{
    public const string SignInPath = "/account/sign-in";
    public const string SignOutPath = "/account/sign-out";

    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // Form parameters make the antiforgery middleware check the token the forms carry; sign-out
        // reads none, so it asks for the check itself.
        app.MapPost(SignInPath, SignInAsync);
        app.MapPost(SignOutPath, SignOutAsync).WithMetadata(new RequireAntiforgeryTokenAttribute());
    }

    static async Task<IResult> SignInAsync([FromForm] string? key, [FromForm] string? returnUrl, BuilderApiClient api, HttpContext http)
    {
        var target = LocalOrHome(returnUrl);
        var trimmed = key?.Trim() ?? "";
        if (trimmed.Length == 0)
            return Failed(SignInProblem.Empty, target);

        Me? me;
        try
        {
            me = await api.CheckKeyAsync(trimmed, http.RequestAborted);
        }
        catch (BuilderApiException)
        {
            return Failed(SignInProblem.Unreachable, target);
        }
        if (me is null)
            return Failed(SignInProblem.Rejected, target);

        await http.SignInAsync(SessionClaims.Scheme, SessionClaims.Create(trimmed, me), new AuthenticationProperties { IsPersistent = true });
        return Results.LocalRedirect(target);
    }

    static async Task SignOutAsync(HttpContext http)
    {
        await http.SignOutAsync(SessionClaims.Scheme);
        http.Response.Redirect("/");
    }

    static IResult Failed(string problem, string returnUrl) =>
        Results.LocalRedirect($"/sign-in?problem={problem}&returnUrl={Uri.EscapeDataString(returnUrl)}");

    /// <summary>Only an address on this site: anything else would make the form an open redirect.</summary>
    public static string LocalOrHome(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.StartsWith("/sign-in", StringComparison.OrdinalIgnoreCase)
            ? url
            : "/";
}
