using System.Formats.Tar;
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

/// <summary>
/// A real container engine (Podman's Docker-compatible API, started by test.sh) and a Node base image
/// made from this machine's own files, since no registry is reachable: what the docker target needs.
/// </summary>
public sealed class ContainerEngine : IAsyncLifetime
{
    public const string NodeImage = "local/builder-test-node";

    public string Endpoint { get; } = Environment.GetEnvironmentVariable("BUILDER_TEST_DOCKER_HOST")
        ?? throw new InvalidOperationException("BUILDER_TEST_DOCKER_HOST is not set: test.sh starts Podman's API for the docker target's tests (see its log for why it did not answer).");

    public DockerClient Client { get; private set; } = default!;

    public EmbeddedBuilder Builder { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Client = new DockerClientConfiguration(new Uri(Endpoint)).CreateClient();
        await Client.System.PingAsync();
        await ImportNodeImageAsync();
        Builder = EmbeddedBuilder.With(new Dictionary<string, string?>
        {
            ["Builder:Sandbox:DockerEndpoint"] = Endpoint,
            ["Builder:Deploy:BaseImages:node"] = NodeImage,
            ["Builder:Deploy:ReadinessRetryDelay"] = "00:00:00.300",
        });
    }

    /// <summary>busybox for the shell, the host's node and the libraries it links: about 100 MB, imported in seconds.</summary>
    async Task ImportNodeImageAsync()
    {
        var root = Directory.CreateTempSubdirectory("builder-node-image-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "bin"));
            Directory.CreateDirectory(Path.Combine(root, "usr", "bin"));
            Directory.CreateDirectory(Path.Combine(root, "etc"));
            Directory.CreateDirectory(Path.Combine(root, "tmp"));
            File.Copy("/bin/busybox", Path.Combine(root, "bin", "busybox"));
            foreach (var applet in new[] { "sh", "cat", "ls", "env", "sleep" })
                File.CreateSymbolicLink(Path.Combine(root, "bin", applet), "/bin/busybox");
            var node = new FileInfo("/usr/bin/node").ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? "/usr/bin/node";
            File.Copy(node, Path.Combine(root, "usr", "bin", "node"));
            foreach (var library in Output("ldd", node).Split('\n').SelectMany(l => l.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)).Where(w => w.StartsWith('/')).Distinct())
            {
                var target = Path.Combine(root, library.TrimStart('/'));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(new FileInfo(library).ResolveLinkTarget(true)?.FullName ?? library, target, overwrite: true);
            }

            File.WriteAllText(Path.Combine(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n");
            File.WriteAllText(Path.Combine(root, "etc", "group"), "root:x:0:\nnobody:x:65534:\n");
            using var tar = new MemoryStream();
            await TarFile.CreateFromDirectoryAsync(root, tar, includeBaseDirectory: false);
            tar.Position = 0;
            await Client.Images.CreateImageAsync(new ImagesCreateParameters { FromSrc = "-", Repo = NodeImage, Tag = "latest" }, tar, null, new Progress<JSONMessage>());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    static string Output(string file, string argument)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, [argument]) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    public async Task DisposeAsync()
    {
        Builder?.Dispose();
        Client?.Dispose();
        await Task.CompletedTask;
    }
}

/// <summary>The docker target against real containers: built, started, health-checked by Builder, switched blue/green, rolled back.</summary>
public sealed class DockerDeployTests(ContainerEngine engine, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ContainerEngine>
{
    readonly BuilderApi _api = engine.Builder.Admin();

    /// <summary>All interfaces: the engine forwards the published port to the container's own address.</summary>
    const string Server = """
        const http = require('http');
        const fs = require('fs');
        const read = (name, fallback) => fs.existsSync(`${__dirname}/${name}`) ? fs.readFileSync(`${__dirname}/${name}`, 'utf8').trim() : fallback;
        const version = read('version.txt', '0');
        const mode = read('mode.txt', 'healthy');
        http.createServer((req, res) => {
          res.writeHead(mode === 'unready' ? 500 : 200, { 'content-type': 'text/plain' });
          res.end(mode === 'unready' ? 'broken\n' : `version ${version} in ${require('os').hostname()}\n`);
        }).listen(Number(process.env.PORT), '0.0.0.0');
        """;

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
    public async Task A_service_is_built_into_an_image_run_as_a_container_switched_blue_green_and_a_failing_version_is_rolled_back()
    {
        var name = $"dkr-{Guid.NewGuid():N}"[..20];
        using var repository = TestRepository.Create(new Dictionary<string, string>
        {
            ["Makefile"] = "build:\n\t@node --check server.js\n\ntest:\n\t@echo tests passed\n",
            ["server.js"] = Server,
            ["version.txt"] = "0\n",
            ["builder.yaml"] = Manifest(name),
        });
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
                services.GetRequiredService<IOptions<DeployOptions>>(), services.GetRequiredService<IOptions<SandboxOptions>>(), NullLogger<DockerDeployTarget>.Instance);
            var manifest = DeployManifestParser.Find(live.ReleaseFolder)!;
            var adopted = await newWorker.AdoptAsync(new Release(live.Id, live.Number, manifest, live.ReleaseFolder, live.ReleaseFolder, live.FeatureId), CancellationToken.None);
            adopted.ShouldNotBeNull();
            adopted.ToString().ShouldBe(live.Url);
            newWorker.IsRunning(live.Id).ShouldBeTrue();
            (await GetAsync(adopted.ToString())).ShouldStartWith("version 2 in ");
        }
        finally
        {
            foreach (var container in await ContainersAsync(name))
                await engine.Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        }
    }
}
