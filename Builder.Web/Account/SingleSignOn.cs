using Builder.Web.Services;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Builder.Web.Account;

/// <summary>
/// The "Builder:Auth:Oidc" section as the dashboard reads it: sign-in with the company's identity
/// provider (authorization code with PKCE) beside API keys. Off while Authority or ClientId is unset.
/// </summary>
public sealed class SingleSignOnOptions
{
    public const string Section = "Builder:Auth:Oidc";

    public string? Authority { get; set; }

    /// <summary>The dashboard's client id at the provider.</summary>
    public string? ClientId { get; set; }

    /// <summary>For a confidential client; a public client relies on PKCE alone.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes to ask for besides openid and profile, e.g. the one that makes the provider issue a token for Builder's API.</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>The button's words: "Sign in with {DisplayName}".</summary>
    public string DisplayName { get; set; } = "single sign-on";

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);
}

/// <summary>
/// The code flow's result becomes the same session an API key gives: the provider's access token
/// is checked with <c>GET /api/me</c> and kept, encrypted, in the sign-in cookie in the key's place,
/// so every call the dashboard makes carries the person's own token.
/// </summary>
public static class SingleSignOn
{
    public const string Scheme = "oidc";
    public const string StartPath = "/account/sign-in/sso";

    public static void AddSingleSignOn(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SingleSignOnOptions.Section);
        builder.Services.Configure<SingleSignOnOptions>(section);
        var settings = section.Get<SingleSignOnOptions>() ?? new SingleSignOnOptions();
        if (!settings.Enabled)
            return;

        builder.Services.AddAuthentication().AddOpenIdConnect(Scheme, oidc =>
        {
            oidc.Authority = settings.Authority;
            oidc.ClientId = settings.ClientId;
            oidc.ClientSecret = settings.ClientSecret;
            oidc.ResponseType = OpenIdConnectResponseType.Code;
            oidc.ResponseMode = OpenIdConnectResponseMode.Query;
            oidc.UsePkce = true;
            oidc.SignInScheme = SessionClaims.Scheme;
            oidc.RequireHttpsMetadata = Uri.TryCreate(settings.Authority, UriKind.Absolute, out var authority) && !authority.IsLoopback;
            oidc.MapInboundClaims = false;
            oidc.GetClaimsFromUserInfoEndpoint = false;
            oidc.Scope.Clear();
            foreach (var scope in new[] { "openid", "profile" }.Concat(settings.Scopes))
                oidc.Scope.Add(scope);
            // The answer comes back by a top-level GET: Lax cookies travel with it, and on plain HTTP
            // (loopback) a Secure cookie would not be stored at all.
            foreach (var cookie in new[] { oidc.CorrelationCookie, oidc.NonceCookie })
            {
                cookie.SameSite = SameSiteMode.Lax;
                cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            }

            oidc.Events = new OpenIdConnectEvents
            {
                OnTokenValidated = KeepAccessTokenAsync,
                OnRemoteFailure = context =>
                {
                    context.HandleResponse();
                    context.Response.Redirect($"/sign-in?problem={SignInProblem.SingleSignOnFailed}");
                    return Task.CompletedTask;
                },
            };
        });
    }

    static async Task KeepAccessTokenAsync(TokenValidatedContext context)
    {
        var token = context.TokenEndpointResponse?.AccessToken;
        var api = context.HttpContext.RequestServices.GetRequiredService<BuilderApiClient>();
        Me? me = null;
        if (!string.IsNullOrEmpty(token))
        {
            try
            {
                me = await api.CheckKeyAsync(token, context.HttpContext.RequestAborted);
            }
            catch (BuilderApiException)
            {
            }
        }

        if (me is null)
        {
            context.HandleResponse();
            context.Response.Redirect($"/sign-in?problem={SignInProblem.SingleSignOnRefused}");
            return;
        }

        context.Principal = SessionClaims.Create(token!, me);
        context.Properties!.IsPersistent = true;
    }

    public static void MapSingleSignOn(this IEndpointRouteBuilder app) =>
        app.MapGet(StartPath, (string? returnUrl, IOptions<SingleSignOnOptions> options) => options.Value.Enabled
            ? Results.Challenge(new AuthenticationProperties { RedirectUri = AccountEndpoints.LocalOrHome(returnUrl) }, [Scheme])
            : Results.NotFound());
}
