using Builder.Core.Domain;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Builder.Api.Auth;

public static class AuthExtensions
{
    /// <summary>Callers authenticate with an API key or with a token of the company's identity provider.</summary>
    public const string BearerScheme = "Bearer";

    /// <summary>
    /// API keys, and OIDC bearer tokens when Builder:Auth:Oidc:Authority is set (a JWT goes to the
    /// token handler, anything else to the key handler); one policy per scope (named after the
    /// scope), which "admin" satisfies too.
    /// </summary>
    public static IServiceCollection AddBuilderAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OidcOptions>().Bind(configuration.GetSection(OidcOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<JwtBearerOptions>(OidcBearer.SchemeName).Configure<IOptions<OidcOptions>>((jwt, oidc) => OidcBearer.Configure(jwt, oidc.Value));

        services.AddAuthentication(BearerScheme)
            .AddPolicyScheme(BearerScheme, null, o => o.ForwardDefaultSelector = SchemeFor)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddJwtBearer(OidcBearer.SchemeName, _ => { });

        var authorization = services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        foreach (var scope in ApiScopes.All)
            authorization.AddPolicy(scope, p => p.RequireAuthenticatedUser()
                .RequireAssertion(c => c.User.HasClaim(BuilderClaims.Scope, scope) || c.User.HasClaim(BuilderClaims.Scope, ApiScopes.Admin)));
        return services;
    }

    static string SchemeFor(HttpContext context)
    {
        string? header = context.Request.Headers.Authorization;
        var oidc = context.RequestServices.GetRequiredService<IOptions<OidcOptions>>().Value;
        return oidc.Enabled && header is { Length: > 7 } && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
               && OidcBearer.LooksLikeJwt(header[7..].Trim())
            ? OidcBearer.SchemeName
            : ApiKeyAuthenticationHandler.SchemeName;
    }
}
