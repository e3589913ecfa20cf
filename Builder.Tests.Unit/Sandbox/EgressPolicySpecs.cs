using Builder.Core.Policy;
using Builder.Worker.Sandbox.Egress;

namespace Builder.Tests.Sandbox;

public sealed class EgressPolicySpecs
{
    [Theory]
    [InlineData("dotnet", "api.nuget.org", 443, true)]
    [InlineData("dotnet", "globalcdn.nuget.org", 443, true)]
    [InlineData("dotnet", "nuget.org.evil.example", 443, false)]
    [InlineData("dotnet", "crl3.digicert.com", 80, true)]
    [InlineData("dotnet", "registry.npmjs.org", 443, false)]
    [InlineData("node", "registry.npmjs.org", 443, true)]
    [InlineData("node", "REGISTRY.NPMJS.ORG.", 443, true)]
    [InlineData("node", "registry.npmjs.org", 22, false)]
    [InlineData("python", "files.pythonhosted.org", 443, true)]
    [InlineData("go", "proxy.golang.org", 443, true)]
    [InlineData("make", "registry.npmjs.org", 443, false)]
    [InlineData(null, "pypi.org", 443, true)]
    public void Each_toolchain_reaches_its_own_registries_only(string? toolchain, string host, int port, bool allowed) =>
        EgressPolicy.For(toolchain, []).Allows(host, port).ShouldBe(allowed);

    [Fact]
    public void Extra_hosts_add_to_the_registries_with_their_own_port()
    {
        var policy = EgressPolicy.For("node", ["npm.corp.example:8443", "*.mirror.example", "10.0.0.7:8081"]);

        policy.Allows("npm.corp.example", 8443).ShouldBeTrue();
        policy.Allows("npm.corp.example", 443).ShouldBeFalse();
        policy.Allows("eu.mirror.example", 443).ShouldBeTrue();
        policy.Allows("mirror.example", 443).ShouldBeFalse();
        policy.Allows("10.0.0.7", 8081).ShouldBeTrue();
        policy.Allows("registry.npmjs.org", 443).ShouldBeTrue();
    }

    [Theory]
    [InlineData("*")]
    [InlineData("*.")]
    [InlineData("http://example.com")]
    [InlineData("example.com:0")]
    [InlineData("example.com:99999")]
    [InlineData("example.com:http")]
    [InlineData("exa mple.com")]
    [InlineData("example.com/path")]
    public void Patterns_that_are_not_hosts_are_named_as_such(string pattern)
    {
        EgressPolicy.Problem(pattern).ShouldNotBeNull();
        Should.Throw<ArgumentException>(() => new EgressPolicy([pattern])).Message.ShouldContain(pattern);
    }

    [Fact]
    public void A_tunnel_request_names_its_host_and_port()
    {
        var request = ProxyRequest.Parse("CONNECT api.nuget.org:443 HTTP/1.1\r\nHost: api.nuget.org:443\r\n\r\n")!;

        (request.Host, request.Port, request.IsTunnel).ShouldBe(("api.nuget.org", 443, true));
    }

    [Fact]
    public void A_plain_http_request_is_forwarded_in_origin_form_without_proxy_headers_for_one_request()
    {
        var request = ProxyRequest.Parse(
            "GET http://pkgs.example:8080/v3/index.json?x=1 HTTP/1.1\r\nHost: pkgs.example:8080\r\nProxy-Authorization: Basic c2VjcmV0\r\nConnection: keep-alive\r\nAccept: */*\r\n\r\n")!;

        (request.Host, request.Port, request.IsTunnel).ShouldBe(("pkgs.example", 8080, false));
        request.ForwardedHead.ShouldBe("GET /v3/index.json?x=1 HTTP/1.1\r\nHost: pkgs.example:8080\r\nAccept: */*\r\nConnection: close\r\n\r\n");
    }

    [Theory]
    [InlineData("GET /relative HTTP/1.1\r\n\r\n")]
    [InlineData("GET https://tls.example/ HTTP/1.1\r\n\r\n")]
    [InlineData("CONNECT nohost HTTP/1.1\r\n\r\n")]
    [InlineData("CONNECT host:70000 HTTP/1.1\r\n\r\n")]
    [InlineData("garbage\r\n\r\n")]
    public void Requests_the_proxy_cannot_place_are_refused(string head) =>
        ProxyRequest.Parse(head).ShouldBeNull();
}
