using Builder.Worker.PullRequests;
using Microsoft.Extensions.Options;

namespace Builder.Tests.Hosting;

public class HostingOptionsTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        using var services = new HostingServices(new Dictionary<string, string?>());

        var options = services.Get<IOptions<HostingOptions>>().Value;

        options.Hosts.ShouldBeEmpty();
        options.GitHub.ApiUrl.ShouldBeNull();
    }

    [Fact]
    public void Hosts_and_api_urls_bind_from_configuration()
    {
        using var services = new HostingServices(new Dictionary<string, string?>
        {
            ["Builder:Hosting:Hosts:github.test"] = "github",
            ["Builder:Hosting:Hosts:git.acme.test"] = "gitlab",
            ["Builder:Hosting:GitHub:ApiUrl"] = "http://127.0.0.1:4321/",
            ["Builder:Hosting:GitLab:ApiUrls:git.acme.test"] = "https://gitlab-api.acme.test/",
        });

        var resolver = services.Resolver;

        resolver.Locate("https://github.test/acme/widgets.git")!.ApiUrl.ShouldBe(new Uri("http://127.0.0.1:4321/"));
        resolver.Resolve("https://github.test/acme/widgets.git")!.Provider.ShouldBe("github");
        resolver.Locate("https://git.acme.test/platform/widgets")!.ApiUrl.ShouldBe(new Uri("https://gitlab-api.acme.test/"));
        resolver.Resolve("https://git.acme.test/platform/widgets")!.Provider.ShouldBe("gitlab");
    }

    [Theory]
    [InlineData("Builder:Hosting:Hosts:git.acme.test", "sourcehut", "expected one of 'github', 'gitlab'")]
    [InlineData("Builder:Hosting:GitHub:ApiUrl", "api.github.com", "GitHub:ApiUrl must be an absolute http(s) URL")]
    [InlineData("Builder:Hosting:GitLab:ApiUrls:git.acme.test", "https://user:pass@git.acme.test/", "GitLab:ApiUrls:git.acme.test must be")]
    [InlineData("Builder:Hosting:MaxAttempts", "0", "MaxAttempts")]
    [InlineData("Builder:Hosting:RequestTimeout", "00:00:00", "RequestTimeout")]
    public void Bad_settings_are_refused_with_the_key_named(string key, string value, string expected)
    {
        using var services = new HostingServices(new Dictionary<string, string?> { [key] = value });

        var error = Should.Throw<OptionsValidationException>(() => services.Get<IOptions<HostingOptions>>().Value);

        error.Message.ShouldContain(expected);
    }
}
