using Builder.AppHost;
using Microsoft.Extensions.Configuration;

namespace Builder.Tests.AppHost;

/// <summary>Builder's settings given to the AppHost reach every project it starts, as the variables .NET configuration reads.</summary>
public sealed class ForwardedSettingsTests
{
    [Fact]
    public void Builder_settings_become_environment_variables_and_nothing_else_does()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Builder:Auth:Oidc:Authority"] = "https://login.example.com/realms/acme",
            ["Builder:Hosting:Hosts:git.example.com"] = "gitea",
            ["Builder:Sandbox:AllowedHosts:0"] = "nuget.example.com",
            ["Builder:DataDirectory"] = "/somewhere/else",
            ["topology"] = "distributed",
            ["ConnectionStrings:builderdb"] = "Host=db",
        }).Build();

        Builder.AppHost.ForwardedSettings.From(configuration).ShouldBe(new Dictionary<string, string>
        {
            ["Builder__Auth__Oidc__Authority"] = "https://login.example.com/realms/acme",
            ["Builder__Hosting__Hosts__git.example.com"] = "gitea",
            ["Builder__Sandbox__AllowedHosts__0"] = "nuget.example.com",
        }, ignoreOrder: true);
    }
}
