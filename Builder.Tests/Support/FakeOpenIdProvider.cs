using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Builder.Tests.Support;

/// <summary>
/// A small OpenID provider on a loopback port: its discovery document and signing keys (JWKS) over
/// real HTTP, as an identity provider publishes them, and tokens signed with its RSA key.
/// </summary>
public sealed class FakeOpenIdProvider : IAsyncDisposable
{
    const string KeyId = "builder-test-key-1";
    readonly RSA _rsa = RSA.Create(2048);
    WebApplication? _app;

    /// <summary>The issuer and authority, "http://127.0.0.1:PORT" (no trailing slash).</summary>
    public string Issuer { get; private set; } = "";

    public RsaSecurityKey SigningKey => new(_rsa) { KeyId = KeyId };

    public static async Task<FakeOpenIdProvider> StartAsync()
    {
        var provider = new FakeOpenIdProvider();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/.well-known/openid-configuration", () => Results.Text(provider.Discovery().ToJsonString(), "application/json"));
        app.MapGet("/jwks", () => Results.Text(provider.Keys().ToJsonString(), "application/json"));
        await app.StartAsync();
        provider.Issuer = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First().TrimEnd('/');
        provider._app = app;
        return provider;
    }

    JsonObject Discovery() => new()
    {
        ["issuer"] = Issuer,
        ["jwks_uri"] = $"{Issuer}/jwks",
        ["authorization_endpoint"] = $"{Issuer}/authorize",
        ["token_endpoint"] = $"{Issuer}/token",
        ["response_types_supported"] = new JsonArray("code"),
        ["subject_types_supported"] = new JsonArray("public"),
        ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
        ["code_challenge_methods_supported"] = new JsonArray("S256"),
    };

    JsonObject Keys()
    {
        var parameters = _rsa.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = KeyId,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus), ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            }),
        };
    }

    /// <summary>A signed token; every part can be made wrong on purpose.</summary>
    public string Issue(string audience, IDictionary<string, object> claims, TimeSpan? lifetime = null, string? issuer = null,
        SecurityKey? signingKey = null, DateTime? notBefore = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(10));
        var from = notBefore ?? (expires < now ? expires.AddMinutes(-5) : now.AddSeconds(-5));
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            IssuedAt = from < now ? from : now,
            NotBefore = from,
            Expires = expires,
            Claims = claims,
            SigningCredentials = new SigningCredentials(signingKey ?? SigningKey, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>The same claims with no signature at all ("alg": "none").</summary>
    public string IssueUnsigned(string audience, IDictionary<string, object> claims)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer, Audience = audience, Claims = claims,
            NotBefore = DateTime.UtcNow.AddSeconds(-5), Expires = DateTime.UtcNow.AddMinutes(10), IssuedAt = DateTime.UtcNow.AddSeconds(-5),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
        _rsa.Dispose();
    }
}
