using System.Net;
using Xunit.Abstractions;

namespace Builder.Tests.AppHost;

public sealed class AppHostTests(ITestOutputHelper log)
{
    // Generous: a loaded two-core machine starts three .NET processes here.
    static readonly TimeSpan ApiTimeout = TimeSpan.FromSeconds(120);
    static readonly TimeSpan WebTimeout = TimeSpan.FromSeconds(60);
    static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Embedded_platform_serves_api_and_web_and_stops_on_SIGTERM()
    {
        var root = RepositoryRoot.Find();
        var data = Directory.CreateTempSubdirectory("builder-apphost-");
        var ports = Loopback.FreePorts(2);
        var (apiPort, webPort) = (ports[0], ports[1]);
        using var http = new HttpClient();
        var host = AppHostCommand.Start(root, apiPort, webPort, data.FullName);
        try
        {
            var api = await host.WaitForOkAsync(http, $"http://127.0.0.1:{apiPort}/health", ApiTimeout);
            api.ShouldBe(HttpStatusCode.OK, host.Describe("the API's /health did not answer 200"));
            var web = await host.WaitForOkAsync(http, $"http://127.0.0.1:{webPort}/", WebTimeout);
            web.ShouldBe(HttpStatusCode.OK, host.Describe("the Web's / did not answer 200"));
            host.Output.ShouldContain("[api] ", Case.Sensitive, host.Describe("the API's log lines are not prefixed"));

            host.Terminate();
            (await host.WaitForExitAsync(StopTimeout)).ShouldBeTrue(host.Describe($"the AppHost did not exit within {StopTimeout.TotalSeconds:0} s of SIGTERM"));
            host.ExitCode.ShouldBe(0, host.Describe("the AppHost did not stop cleanly"));
            Loopback.AcceptsConnections(apiPort).ShouldBeFalse(host.Describe("the API still listens after the AppHost stopped"));
            Loopback.AcceptsConnections(webPort).ShouldBeFalse(host.Describe("the Web still listens after the AppHost stopped"));
        }
        finally
        {
            log.WriteLine(host.Output);
            await host.DisposeAsync();
            data.Delete(recursive: true);
        }
    }
}
