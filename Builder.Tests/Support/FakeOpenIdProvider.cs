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
/// real HTTP, as an identity provider publishes them, tokens signed with its RSA key, and the
/// authorization code flow with PKCE (a sign-in page with one button, and the token endpoint).
/// </summary>
public sealed class FakeOpenIdProvider : IAsyncDisposable
{
    const string KeyId = "builder-test-key-1";
    readonly RSA _rsa = RSA.Create(2048);
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, PendingCode> _codes = new();
    WebApplication? _app;

    sealed record PendingCode(string ClientId, string RedirectUri, string? Nonce, string Challenge);

    /// <summary>The audience of the access tokens the code flow hands out: Builder's API.</summary>
    public string ApiAudience { get; set; } = "builder-api";

    /// <summary>The person the sign-in page signs in.</summary>
    public Dictionary<string, object> User { get; set; } = new()
    {
        ["sub"] = "0f8e-alice", ["preferred_username"] = "alice", ["builder_tenant"] = "default", ["roles"] = new[] { "builder-developer" },
    };

    /// <summary>How many codes were exchanged for tokens.</summary>
    public int TokensIssued { get; private set; }

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
        app.MapGet("/authorize", provider.SignInPage);
        app.MapPost("/authorize", provider.ApproveAsync);
        app.MapPost("/token", provider.TokenAsync);
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

    IResult SignInPage(HttpRequest request)
    {
        var query = request.Query;
        if (query["response_type"] != "code" || query["code_challenge_method"] != "S256" || string.IsNullOrEmpty(query["code_challenge"])
            || string.IsNullOrEmpty(query["redirect_uri"]) || string.IsNullOrEmpty(query["client_id"]))
            return Results.BadRequest("code flow with PKCE (S256) only");
        var fields = string.Concat(query.Select(q =>
            $"<input type=\"hidden\" name=\"{System.Net.WebUtility.HtmlEncode(q.Key)}\" value=\"{System.Net.WebUtility.HtmlEncode(q.Value.ToString())}\">"));
        var name = System.Net.WebUtility.HtmlEncode(User["preferred_username"].ToString());
        return Results.Content($"<!doctype html><title>Company sign-in</title><form method=\"post\" action=\"/authorize\">{fields}<button type=\"submit\">Sign in as {name}</button></form>",
            "text/html");
    }

    async Task<IResult> ApproveAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
        _codes[code] = new PendingCode(form["client_id"]!, form["redirect_uri"]!, form["nonce"], form["code_challenge"]!);
        var separator = form["redirect_uri"].ToString().Contains('?') ? '&' : '?';
        return Results.Redirect($"{form["redirect_uri"]}{separator}code={code}&state={Uri.EscapeDataString(form["state"].ToString())}&iss={Uri.EscapeDataString(Issuer)}");
    }

    async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        if (form["grant_type"] != "authorization_code" || !_codes.TryRemove(form["code"].ToString(), out var pending)
            || pending.RedirectUri != form["redirect_uri"] || pending.ClientId != form["client_id"])
            return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(form["code_verifier"].ToString())));
        if (challenge != pending.Challenge)
            return Results.Json(new { error = "invalid_grant", error_description = "PKCE verification failed" }, statusCode: 400);

        var identity = new Dictionary<string, object>
        {
            ["sub"] = User["sub"], ["preferred_username"] = User["preferred_username"],
        };
        if (pending.Nonce is { Length: > 0 } nonce)
            identity["nonce"] = nonce;
        TokensIssued++;
        return Results.Json(new
        {
            access_token = Issue(ApiAudience, User),
            id_token = Issue(pending.ClientId, identity),
            token_type = "Bearer",
            expires_in = 600,
        });
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
