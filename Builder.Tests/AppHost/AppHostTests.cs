using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace Builder.Tests.AppHost;

/// <summary>The AppHost as users start it, <c>dotnet run --project Builder.AppHost</c>, in the embedded topology.</summary>
[Collection(AppHostCollection.Name)]
public sealed class AppHostTests(ITestOutputHelper log)
{
    // Generous: a loaded two-core machine starts DCP, the dashboard and two projects here.
    static readonly TimeSpan ApiTimeout = TimeSpan.FromSeconds(180);
    static readonly TimeSpan WebTimeout = TimeSpan.FromSeconds(90);
    static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    // DCP goes on stopping the projects and the dashboard for a while after the AppHost itself exits.
    static readonly TimeSpan ChildrenStopTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Embedded_platform_serves_api_web_and_dashboard_and_leaves_no_process_after_SIGTERM()
    {
        var root = RepositoryRoot.Find();
        var data = Directory.CreateTempSubdirectory("builder-apphost-");
        var ports = Loopback.FreePorts(2 + AppHostCommand.DashboardPortCount);
        var (apiPort, webPort, dashboardPort) = (ports[0], ports[1], ports[2]);
        var processes = new StartedProcesses();
        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();
        var host = AppHostCommand.Start(root, apiPort, webPort, data.FullName, ports[2..], processes);
        try
        {
            var api = await host.WaitForOkAsync(http, $"http://127.0.0.1:{apiPort}/health", ApiTimeout);
            api.ShouldBe(HttpStatusCode.OK, host.Describe("the API's /health did not answer 200"));
            log.WriteLine($"Api healthy {clock.Elapsed.TotalSeconds:0.0} s after dotnet run");
            var web = await host.WaitForOkAsync(http, $"http://127.0.0.1:{webPort}/", WebTimeout);
            web.ShouldBe(HttpStatusCode.OK, host.Describe("the Web's / did not answer 200"));
            log.WriteLine($"Web answering {clock.Elapsed.TotalSeconds:0.0} s after dotnet run");
            // The dashboard sends a browser without its token to the login page.
            var dashboard = await host.WaitForOkAsync(http, $"http://localhost:{dashboardPort}/", WebTimeout);
            dashboard.ShouldBe(HttpStatusCode.OK, host.Describe("the Aspire dashboard did not answer"));

            var key = (await File.ReadAllTextAsync(Path.Combine(data.FullName, "admin-key"))).Trim();
            host.Output.ShouldContain(key, Case.Sensitive, host.Describe("the generated admin key was not shown"));
            host.Output.ShouldContain($"http://localhost:{dashboardPort}/login?t=", Case.Sensitive, host.Describe("the dashboard's login URL was not shown"));
            host.Output.ShouldContain($"api is healthy at http://127.0.0.1:{apiPort}", Case.Sensitive, host.Describe("the API's URL was not shown"));

            processes.Remember();
            processes.Alive().Count.ShouldBeGreaterThan(2, "the AppHost's processes do not carry the run's marker: the check below would prove nothing");
            host.Terminate();
            (await host.WaitForExitAsync(StopTimeout)).ShouldBeTrue(host.Describe($"the AppHost did not exit within {StopTimeout.TotalSeconds:0} s of SIGTERM"));
            host.ExitCode.ShouldBe(0, host.Describe("the AppHost did not stop cleanly"));
            var stopping = Stopwatch.StartNew();
            var left = await processes.WaitUntilGoneAsync(ChildrenStopTimeout);
            left.ShouldBeEmpty(host.Describe("processes the AppHost started outlived it"));
            log.WriteLine($"Every process it started was gone {stopping.Elapsed.TotalSeconds:0.0} s after the AppHost exited");
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
