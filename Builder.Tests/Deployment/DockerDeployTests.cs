using System.Net;
using System.Text.Json.Nodes;
using Builder.Tests.Support;
using Builder.Worker.Deployment;
using Builder.Worker.Deployment.Docker;
using Builder.Worker.Deployment.Local;
using Builder.Worker.Sandbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Builder.Tests.Deployment;

/// <summary>The docker target against real containers: built, started, health-checked by Builder, switched blue/green, rolled back.</summary>
public sealed class DockerDeployTests(ContainerEngine engine, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ContainerEngine>
{
    readonly BuilderApi _api = engine.Builder.Admin();

    /// <summary>Latency is not what these tests are about: generous p99, no comparison with the previous version (other tests run beside them).</summary>
    static string Manifest(string service) => $"""
        service: {service}
        runtime: node
        publish: none
        start: node server.js
        target: docker
        health:
          path: /health
          readinessTimeout: 15s
        policy:
          interval: 100ms
          window: 1s
          p99: 5s
          maxDegradation: 0
          keepPrevious: 60s
        """;

    async Task<JsonNode> DeployAsync(Guid repositoryId, string version, string? mode = null)
    {
        List<object> files = [BuilderApi.File("version.txt", version + "\n", "replace")];
        if (mode is not null)
            files.Add(BuilderApi.File("mode.txt", mode + "\n"));
        return await _api.WaitForEndAsync(await _api.SubmitAsync(repositoryId, $"Version {version}", files), TimeSpan.FromMinutes(4));
    }

    static async Task<string> GetAsync(string url)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await client.GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (await response.Content.ReadAsStringAsync()).Trim();
    }

    async Task<IList<ContainerListResponse>> ContainersAsync(string service) =>
        await engine.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"builder.service={service}"] = true } },
        });

    [Fact]
    public async Task A_repository_with_an_environment_manifest_runs_its_service_on_its_environment_image()
    {
        using var builder = EmbeddedBuilder.With(new Dictionary<string, string?>(engine.Settings)
        {
            ["Builder:Environments:Bases:debian-bookworm"] = ContainerEngine.NodeImage,
        });
        var api = builder.Admin();
        var name = $"env-{Guid.NewGuid():N}"[..20];
        // A flavour of its own makes the environment's hash new on every run: the engine keeps images between runs.
        var flavour = $"flavour-{Guid.NewGuid():N}"[..16];
        using var repository = NodeService.Repository(Manifest(name),
            new Dictionary<string, string> { [".builder/environment.yaml"] = $"base: debian-bookworm\nvariables:\n  SERVICE_FLAVOUR: {flavour}\n" });
        var repositoryId = await api.RegisterRepositoryAsync(repository.RemotePath);
        try
        {
            var id = await api.SubmitAsync(repositoryId, "Version 1", [BuilderApi.File("version.txt", "1\n", "replace")]);
            var feature = await api.WaitForEndAsync(id, TimeSpan.FromMinutes(4));
            feature["status"]!.GetValue<string>().ShouldBe("Completed", feature.ToJsonString());

            var dockerfile = await api.Http.GetStringAsync($"/api/features/{id}/artifacts/Dockerfile");
            var environmentImage = JsonNode.Parse(await api.Http.GetStringAsync($"/api/features/{id}/artifacts/environment.json"))!["image"]!.GetValue<string>();
            dockerfile.ShouldContain($"FROM {environmentImage}\n");
            var stable = JsonNode.Parse(await api.Http.GetStringAsync($"/api/services/{name}"))!["stableUrl"]!.GetValue<string>();
            (await GetAsync(stable)).ShouldStartWith($"version 1 ({flavour}) in ", Case.Sensitive, "the environment's variables reach the service");
        }
        finally
        {
            foreach (var container in await ContainersAsync(name))
                await engine.Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        }
    }

    [Fact]
    public async Task A_service_is_built_into_an_image_run_as_a_container_switched_blue_green_and_a_failing_version_is_rolled_back()
    {
        var name = $"dkr-{Guid.NewGuid():N}"[..20];
        using var repository = NodeService.Repository(Manifest(name));
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        try
        {
            var first = await DeployAsync(repositoryId, "1");
            first["status"]!.GetValue<string>().ShouldBe("Completed", first.ToJsonString());
            var stable = JsonNode.Parse(await _api.Http.GetStringAsync($"/api/services/{name}"))!["stableUrl"]!.GetValue<string>();
            var served = await GetAsync(stable);
            served.ShouldStartWith("version 1 in ");
            var containers = await ContainersAsync(name);
            containers.Count.ShouldBe(1);
            served.ShouldEndWith(containers[0].ID[..12], Case.Insensitive, "the answer comes from inside the container");
            containers[0].Image.ShouldContain($"builder/{name}:");
            var publishLog = await _api.Http.GetStringAsync($"/api/features/{first["id"]}/artifacts/publish.log");
            publishLog.ShouldContain("generated Dockerfile");
            output.WriteLine(publishLog[^Math.Min(400, publishLog.Length)..]);

            var second = await DeployAsync(repositoryId, "2");
            second["status"]!.GetValue<string>().ShouldBe("Completed", second.ToJsonString());
            (await GetAsync(stable)).ShouldStartWith("version 2 in ");

            var broken = await DeployAsync(repositoryId, "3", mode: "unready");
            broken["status"]!.GetValue<string>().ShouldBe("RolledBack", broken.ToJsonString());
            (await GetAsync(stable)).ShouldStartWith("version 2 in ");
            var versions = JsonNode.Parse(await _api.Http.GetStringAsync($"/api/services/{name}/versions"))!.AsArray()
                .ToDictionary(v => v!["number"]!.GetValue<int>(), v => (string)v!["state"]!);
            versions[3].ShouldBe("rolled-back");
            versions[2].ShouldBe("live");
            // The rolled-back version's container is gone; the live one and the standby still run.
            (await ContainersAsync(name)).Count(c => c.State == "running").ShouldBe(2);

            // A worker that crashed leaves its containers running: a new worker's target adopts the live one.
            var live = await engine.Builder.WithDbAsync(db => db.ServiceVersions.AsNoTracking()
                .SingleAsync(v => v.ReleaseFolder.Contains(name) && v.Number == 2));
            var services = engine.Builder.Services;
            var newWorker = new DockerDeployTarget(services.GetRequiredService<LocalDeployTarget>(), services.GetRequiredService<ServiceGateway>(),
                services.GetRequiredService<IOptions<DeployOptions>>(), services.GetRequiredService<IOptions<SandboxOptions>>(),
                services.GetRequiredService<Builder.Worker.Environments.EnvironmentImages>(), NullLogger<DockerDeployTarget>.Instance);
            var manifest = DeployManifestParser.Find(live.ReleaseFolder)!;
            var adopted = await newWorker.AdoptAsync(new Release(live.Id, live.Number, manifest, live.ReleaseFolder, live.ReleaseFolder, live.FeatureId), CancellationToken.None);
            adopted.ShouldNotBeNull();
            adopted.ToString().ShouldBe(live.Url);
            (await newWorker.IsRunningAsync(live.Id, CancellationToken.None)).ShouldBeTrue();
            (await GetAsync(adopted.ToString())).ShouldStartWith("version 2 in ");
        }
        finally
        {
            foreach (var container in await ContainersAsync(name))
                await engine.Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        }
    }
}
