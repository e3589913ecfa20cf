using Builder.Worker.PullRequests;

namespace Builder.Tests.Hosting;

public class PullRequestHostsTests
{
    static readonly HostingOptions Defaults = new();

    [Theory]
    [InlineData("https://github.com/acme/widgets")]
    [InlineData("https://github.com/acme/widgets.git")]
    [InlineData("https://github.com/acme/widgets/")]
    [InlineData("https://GitHub.com/acme/widgets.git")]
    [InlineData("https://x-access-token:secret@github.com/acme/widgets.git")]
    [InlineData("git@github.com:acme/widgets.git")]
    [InlineData("ssh://git@github.com/acme/widgets.git")]
    public void Github_com_urls_name_owner_and_repository(string url)
    {
        var location = PullRequestHosts.Locate(url, Defaults).ShouldNotBeNull();

        location.Provider.ShouldBe("github");
        location.Host.ShouldBe("github.com");
        location.Path.ShouldBe("acme/widgets");
        location.Owner.ShouldBe("acme");
        location.Name.ShouldBe("widgets");
        location.ApiUrl.ShouldBe(new Uri("https://api.github.com/"));
        location.ToString().ShouldNotContain("secret");
    }

    [Theory]
    [InlineData("https://gitlab.com/acme/widgets.git", "acme/widgets")]
    [InlineData("https://gitlab.com/group/sub/widgets", "group/sub/widgets")]
    [InlineData("git@gitlab.com:group/sub/widgets.git", "group/sub/widgets")]
    public void Gitlab_com_urls_keep_nested_groups(string url, string path)
    {
        var location = PullRequestHosts.Locate(url, Defaults).ShouldNotBeNull();

        location.Provider.ShouldBe("gitlab");
        location.Path.ShouldBe(path);
        location.Name.ShouldBe("widgets");
        location.ApiUrl.ShouldBe(new Uri("https://gitlab.com/"));
    }

    [Theory]
    [InlineData("https://bitbucket.org/acme/widgets.git", "bitbucket", "acme/widgets", "https://api.bitbucket.org/2.0/")]
    [InlineData("git@bitbucket.org:acme/widgets.git", "bitbucket", "acme/widgets", "https://api.bitbucket.org/2.0/")]
    [InlineData("https://codeberg.org/acme/widgets.git", "gitea", "acme/widgets", "https://codeberg.org/api/v1/")]
    [InlineData("https://gitea.com/acme/widgets", "gitea", "acme/widgets", "https://gitea.com/api/v1/")]
    [InlineData("https://dev.azure.com/acme/Platform/_git/widgets", "azure-devops", "acme/Platform/widgets", "https://dev.azure.com/")]
    [InlineData("https://acme@dev.azure.com/acme/Platform/_git/widgets", "azure-devops", "acme/Platform/widgets", "https://dev.azure.com/")]
    [InlineData("git@ssh.dev.azure.com:v3/acme/Platform/widgets", "azure-devops", "acme/Platform/widgets", "https://dev.azure.com/")]
    [InlineData("https://acme.visualstudio.com/Platform/_git/widgets", "azure-devops", "acme/Platform/widgets", "https://dev.azure.com/")]
    public void Public_hosts_of_the_other_providers_name_the_repository_as_their_api_does(string url, string provider, string path, string api)
    {
        var location = PullRequestHosts.Locate(url, Defaults).ShouldNotBeNull();

        (location.Provider, location.Path, location.ApiUrl).ShouldBe((provider, path, new Uri(api)));
        location.Name.ShouldBe("widgets");
    }

    [Theory]
    [InlineData("https://git.acme.test/scm/PLAT/widgets.git", "bitbucket-server", "PLAT/widgets", "https://git.acme.test/rest/api/1.0/")]
    [InlineData("ssh://git@git.acme.test:7999/plat/widgets.git", "bitbucket-server", "plat/widgets", "https://git.acme.test/rest/api/1.0/")]
    [InlineData("http://git.acme.test:3000/acme/widgets.git", "gitea", "acme/widgets", "http://git.acme.test:3000/api/v1/")]
    [InlineData("https://git.acme.test/tfs/acme/Platform/_git/widgets", "azure-devops", "acme/Platform/widgets", "https://git.acme.test/tfs/")]
    [InlineData("https://git.acme.test/acme/Platform/_git/widgets", "azure-devops", "acme/Platform/widgets", "https://git.acme.test/")]
    public void Self_hosted_instances_are_named_in_the_hosts_map(string url, string provider, string path, string api)
    {
        var options = new HostingOptions { Hosts = { ["git.acme.test"] = provider } };

        var location = PullRequestHosts.Locate(url, options).ShouldNotBeNull();

        (location.Provider, location.Path, location.ApiUrl).ShouldBe((provider, path, new Uri(api)));
    }

    [Theory]
    [InlineData("/srv/repos/widgets")]
    [InlineData("/srv/repos/widgets.git")]
    [InlineData("./widgets")]
    [InlineData("file:///srv/repos/widgets.git")]
    [InlineData(@"C:\repos\widgets")]
    [InlineData("C:/repos/widgets")]
    [InlineData("https://example.com/acme/widgets.git")]
    [InlineData("https://bitbucket.org/acme")]
    [InlineData("https://dev.azure.com/acme/widgets")]
    [InlineData("https://codeberg.org/acme/widgets/src/branch/main")]
    [InlineData("http://localhost:8080/acme/widgets.git")]
    [InlineData("https://github.com/acme")]
    [InlineData("https://github.com/acme/widgets/tree/main")]
    [InlineData("https://gitlab.com/acme")]
    [InlineData("https://gitlab.com/acme/widgets/-/tree/main")]
    [InlineData("")]
    [InlineData("   ")]
    public void Other_urls_have_no_pull_request_host(string url)
    {
        PullRequestHosts.Locate(url, Defaults).ShouldBeNull();
        PullRequestHosts.Resolve(url, Defaults, []).ShouldBeNull();
    }

    [Fact]
    public void A_configured_gitlab_host_uses_its_own_address_port_included()
    {
        var options = new HostingOptions { Hosts = { ["git.acme.test"] = "gitlab" } };

        var plain = PullRequestHosts.Locate("https://git.acme.test/platform/widgets.git", options).ShouldNotBeNull();
        plain.Provider.ShouldBe("gitlab");
        plain.Path.ShouldBe("platform/widgets");
        plain.ApiUrl.ShouldBe(new Uri("https://git.acme.test/"));

        var withPort = PullRequestHosts.Locate("https://git.acme.test:8443/platform/widgets.git", options).ShouldNotBeNull();
        withPort.Host.ShouldBe("git.acme.test:8443");
        withPort.ApiUrl.ShouldBe(new Uri("https://git.acme.test:8443/"));

        // An ssh port says nothing about where the API answers.
        var ssh = PullRequestHosts.Locate("ssh://git@git.acme.test:2222/platform/widgets.git", options).ShouldNotBeNull();
        ssh.ApiUrl.ShouldBe(new Uri("https://git.acme.test/"));
    }

    [Fact]
    public void A_configured_github_enterprise_host_defaults_to_its_api_v3()
    {
        var options = new HostingOptions { Hosts = { ["ghe.acme.test"] = "GitHub" } };

        var location = PullRequestHosts.Locate("https://ghe.acme.test/acme/widgets.git", options).ShouldNotBeNull();

        location.Provider.ShouldBe("github");
        location.ApiUrl.ShouldBe(new Uri("https://ghe.acme.test/api/v3/"));
    }

    [Fact]
    public void A_configured_api_url_applies_to_every_host_of_the_provider_unless_one_has_its_own()
    {
        var options = new HostingOptions
        {
            Hosts = { ["github.test"] = "github", ["ghe.acme.test"] = "github" },
            GitHub = { ApiUrl = "http://127.0.0.1:4321", ApiUrls = { ["ghe.acme.test"] = "https://ghe-api.acme.test/v3" } },
        };

        PullRequestHosts.Locate("https://github.test/acme/widgets.git", options)!.ApiUrl.ShouldBe(new Uri("http://127.0.0.1:4321/"));
        PullRequestHosts.Locate("https://github.com/acme/widgets.git", options)!.ApiUrl.ShouldBe(new Uri("http://127.0.0.1:4321/"));
        PullRequestHosts.Locate("https://ghe.acme.test/acme/widgets.git", options)!.ApiUrl.ShouldBe(new Uri("https://ghe-api.acme.test/v3/"));
    }

    [Fact]
    public void Configured_hosts_match_whatever_their_case()
    {
        var options = new HostingOptions { Hosts = new Dictionary<string, string>(StringComparer.Ordinal) { ["GitHub.Test"] = "github" } };

        PullRequestHosts.Locate("https://github.test/acme/widgets.git", options)!.Provider.ShouldBe("github");
    }

    [Fact]
    public void A_spec_prints_without_its_token()
    {
        var spec = new PullRequestSpec("https://user:url-secret@github.com/acme/widgets.git", "ghp_spec_secret", "builder/x", "main", "Title", "Body");

        spec.ToString().ShouldNotContain("ghp_spec_secret");
        spec.ToString().ShouldNotContain("url-secret");
        spec.ToString().ShouldContain("github.com/acme/widgets.git");
    }
}
