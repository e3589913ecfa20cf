using Builder.Worker.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Builder.Tests.Sandbox;

public sealed class SandboxRegistrationTests : IDisposable
{
    readonly SandboxTestFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    string ContentRoot => _folders.Folder("content");

    IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = ContentRoot });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddSandbox();
        return builder.Build();
    }

    [Fact]
    public async Task AddSandbox_selects_at_start_and_hides_the_workers_folders()
    {
        using var host = Build(new() { ["Builder:Sandbox:Kind"] = "bubblewrap", ["Builder:DataDirectory"] = "/srv/builder-test-data" });

        await host.StartAsync();
        try
        {
            host.Services.GetRequiredService<ISandbox>().Name.ShouldBe("bubblewrap");
            var hidden = host.Services.GetRequiredService<IOptions<SandboxOptions>>().Value.HiddenPaths;
            hidden.ShouldContain("/srv/builder-test-data");
            hidden.ShouldContain(ContentRoot);
            hidden.ShouldContain(AppContext.BaseDirectory.TrimEnd('/'));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_host_with_no_usable_sandbox_fails_to_start_naming_what_to_install()
    {
        using var host = Build(new()
        {
            ["Builder:Sandbox:BubblewrapPath"] = "/nonexistent/bwrap",
            ["Builder:Sandbox:DockerEndpoint"] = "unix:///nonexistent/docker.sock",
        });

        var error = await Should.ThrowAsync<SandboxUnavailableException>(() => host.StartAsync());

        error.Message.ShouldContain("apt-get install bubblewrap");
    }

    [Theory]
    [InlineData("Builder:Sandbox:RunAs", "1000")]
    [InlineData("Builder:Sandbox:DockerPingTimeout", "00:10:00")]
    [InlineData("Builder:Sandbox:HiddenPaths:0", "relative/path")]
    [InlineData("Builder:Sandbox:HiddenPaths:0", "/")]
    [InlineData("Builder:Sandbox:MaxProcesses", "1")]
    public void Invalid_settings_are_refused_at_start(string key, string value)
    {
        using var host = Build(new() { [key] = value });

        Should.Throw<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<SandboxOptions>>().Value);
    }

    [Fact]
    public void Kind_docker_needs_an_image()
    {
        using var host = Build(new() { ["Builder:Sandbox:Kind"] = "docker", ["Builder:Sandbox:DockerImage"] = "" });

        Should.Throw<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<SandboxOptions>>().Value)
            .Message.ShouldContain("DockerImage");
    }
}
