using Builder.Core.Domain;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace Builder.Api.Auth;

public static class AuthExtensions
{
    /// <summary>API keys for everything; one policy per scope (named after the scope), which "admin" satisfies too.</summary>
    public static IServiceCollection AddApiKeyAuth(this IServiceCollection services)
    {
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);

        var authorization = services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        foreach (var scope in ApiScopes.All)
            authorization.AddPolicy(scope, p => p.RequireAuthenticatedUser()
                .RequireAssertion(c => c.User.HasClaim(BuilderClaims.Scope, scope) || c.User.HasClaim(BuilderClaims.Scope, ApiScopes.Admin)));
        return services;
    }
}
