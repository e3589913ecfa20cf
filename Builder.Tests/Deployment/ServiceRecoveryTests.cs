using System.Net;
using System.Text.Json.Nodes;
using Builder.Tests.AppHost;
using Builder.Tests.Support;
using Builder.Worker.Deployment.Local;
using Microsoft.Extensions.DependencyInjection;

namespace Builder.Tests.Deployment;

/// <summary>A worker that restarts brings back the services it ran: the stable address answers again, from the live version.</summary>
public sealed class ServiceRecoveryTests : IDisposable
{
    readonly string _data = SharedTemporaryFolder.Create("builder-recovery-");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    // The same data folder and gateway port across both lives of the worker, as on a real machine.
    Dictionary<string, string?> Settings(int gatewayPort) => new()
    {
        ["Builder:DataDirectory"] = _data,
        ["Builder:Deploy:GatewayPort"] = $"{gatewayPort}",
        ["Builder:Deploy:ReadinessRetryDelay"] = "00:00:00.300",
    };

    static async Task<(HttpStatusCode? Status, string Body)> GetAsync(string url)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var response = await client.GetAsync(url);
            return (response.StatusCode, (await response.Content.ReadAsStringAsync()).Trim());
        }
        catch (HttpRequestException ex)
        {
            return (null, ex.Message);
        }
    }

    [Fact]
    public async Task A_restarted_worker_starts_the_live_version_again_behind_the_same_stable_address()
    {
        var name = $"rec-{Guid.NewGuid():N}"[..20];
        var gatewayPort = Loopback.FreePorts(1)[0];
        using var repository = LocalDeployTests.ServiceRepository(name);
        string stable;

        using (var first = EmbeddedBuilder.With(Settings(gatewayPort)))
        {
            var api = first.Admin();
            var repositoryId = await api.RegisterRepositoryAsync(repository.RemotePath);
            foreach (var version in new[] { "1", "2" })
            {
                var run = await api.WaitForEndAsync(
                    await api.SubmitAsync(repositoryId, $"Version {version}", [BuilderApi.File("version.txt", version + "\n", "replace")]), TimeSpan.FromMinutes(3));
                run["status"]!.GetValue<string>().ShouldBe("Completed", run.ToJsonString());
            }

            stable = JsonNode.Parse(await api.Http.GetStringAsync($"/api/services/{name}"))!["stableUrl"]!.GetValue<string>();
            (await GetAsync(stable)).ShouldBe((HttpStatusCode.OK, "version 2"));
        }

        // The worker stopped, and its services with it.
        (await GetAsync(stable)).Status.ShouldBeNull();

        using var second = EmbeddedBuilder.With(Settings(gatewayPort));
        var again = second.Admin();
        await second.Services.GetRequiredService<ServiceRecovery>().Recovered.WaitAsync(TimeSpan.FromMinutes(1));

        (await GetAsync(stable)).ShouldBe((HttpStatusCode.OK, "version 2"));
        var versions = JsonNode.Parse(await again.Http.GetStringAsync($"/api/services/{name}/versions"))!.AsArray()
            .ToDictionary(v => v!["number"]!.GetValue<int>(), v => (State: (string)v!["state"]!, Reason: (string?)v["reason"]));
        versions[2].State.ShouldBe("live");
        versions[2].Reason.ShouldBe("started again after the worker restarted");
        versions[1].State.ShouldBe("stopped", "the standby died with the worker; nothing keeps it warm now");
    }
}
