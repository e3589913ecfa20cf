using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Builder.Tests.Support;
using Microsoft.IdentityModel.Tokens;

namespace Builder.Tests.Api;

/// <summary>
/// Bearer tokens from the company's identity provider, against a provider stand-in on a loopback
/// port whose discovery document and keys the Api fetches over HTTP. API keys keep working beside them.
/// </summary>
public sealed class OidcBearerTests : IAsyncLifetime
{
    const string Audience = "builder-api";
    FakeOpenIdProvider _provider = null!;
    EmbeddedBuilder _builder = null!;

    public async Task InitializeAsync()
    {
        _provider = await FakeOpenIdProvider.StartAsync();
        _builder = EmbeddedBuilder.With(new Dictionary<string, string?>
        {
            ["Builder:Auth:Oidc:Authority"] = _provider.Issuer,
            ["Builder:Auth:Oidc:Audience"] = Audience,
        });
    }

    public async Task DisposeAsync()
    {
        await _builder.DisposeAsync();
        await _provider.DisposeAsync();
    }

    static Dictionary<string, object> Person(string role, string tenant = "default") => new()
    {
        ["sub"] = "0f8e-alice", ["preferred_username"] = "alice", ["builder_tenant"] = tenant, ["roles"] = new[] { role },
    };

    async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, object? body = null)
    {
        using var client = _builder.CreateClient();
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
            request.Content = System.Net.Http.Json.JsonContent.Create(body);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task A_persons_token_reads_and_writes_as_its_roles_allow_in_the_tenant_it_names()
    {
        var viewer = _provider.Issue(Audience, Person("builder-viewer"));
        var developer = _provider.Issue(Audience, Person("builder-developer"));

        (await SendAsync(HttpMethod.Get, "/api/features", viewer)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var refused = await SendAsync(HttpMethod.Post, "/api/features", viewer, new { });
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("roles do not grant");

        // Authorized: what is left is the body's own validation.
        var submitted = await SendAsync(HttpMethod.Post, "/api/features", developer, new { });
        submitted.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await submitted.Content.ReadAsStringAsync());

        // Keys work beside tokens.
        (await _builder.Admin().Http.GetAsync("/api/features")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "expired", "expired at" },
        { "wrong audience", "issued for another application" },
        { "wrong issuer", "not issued by" },
        { "unsigned", "not signed" },
        { "another key", "signature does not match" },
        { "unknown tenant", "not known to Builder" },
        { "no tenant", "names no Builder tenant" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Tokens_that_must_not_pass_get_a_401_problem_saying_why(string what, string because)
    {
        using var otherKey = RSA.Create(2048);
        var claims = Person("builder-admin");
        var token = what switch
        {
            "expired" => _provider.Issue(Audience, claims, lifetime: TimeSpan.FromMinutes(-10)),
            "wrong audience" => _provider.Issue("some-other-app", claims),
            "wrong issuer" => _provider.Issue(Audience, claims, issuer: "https://login.elsewhere.example"),
            "unsigned" => _provider.IssueUnsigned(Audience, claims),
            "another key" => _provider.Issue(Audience, claims, signingKey: new RsaSecurityKey(otherKey) { KeyId = _provider.SigningKey.KeyId }),
            "unknown tenant" => _provider.Issue(Audience, Person("builder-admin", tenant: "no-such-tenant")),
            _ => _provider.Issue(Audience, new Dictionary<string, object> { ["sub"] = "x", ["roles"] = new[] { "builder-admin" } }),
        };

        var response = await SendAsync(HttpMethod.Get, "/api/features", token);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        ((string?)problem["detail"]).ShouldNotBeNull().ShouldContain(because);
    }
}
