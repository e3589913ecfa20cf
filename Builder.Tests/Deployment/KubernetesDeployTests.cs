using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Builder.Tests.Support;

namespace Builder.Tests.Deployment;

/// <summary>The Kubernetes API stand-in, with pods run as real containers, and an embedded Builder deploying to it.</summary>
public sealed class KubernetesCluster : IAsyncLifetime
{
    public const string Namespace = "shop";

    public ContainerEngine Engine { get; } = new();

    public KubernetesStandIn StandIn { get; private set; } = default!;

    public EmbeddedBuilder Builder { get; private set; } = default!;

    public Dictionary<string, string?> Settings => new(Engine.Settings)
    {
        ["Builder:Deploy:Kubernetes:Server"] = StandIn.Server,
        ["Builder:Deploy:Kubernetes:Token"] = KubernetesStandIn.Token,
        ["Builder:Deploy:Kubernetes:Namespace"] = Namespace,
    };

    public async Task InitializeAsync()
    {
        await Engine.InitializeAsync();
        StandIn = await KubernetesStandIn.StartAsync(Engine.Client);
        Builder = EmbeddedBuilder.With(Settings);
    }

    /// <summary>A GET through the API server's service proxy, with the cluster's token, as Builder's probes make it.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> GetAsync(string url)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", KubernetesStandIn.Token);
        using var response = await client.GetAsync(url);
        return (response.StatusCode, (await response.Content.ReadAsStringAsync()).Trim());
    }

    /// <summary>A generous p99 and no comparison with the previous version: requests go through the stand-in's proxy, and latency is not what these tests are about.</summary>
    public static string Manifest(string service, string keepPrevious = "10m") => $"""
        service: {service}
        runtime: node
        publish: none
        start: node server.js
        target: kubernetes
        health:
          path: /health
          readinessTimeout: 10s
        policy:
          interval: 100ms
          window: 1s
          p99: 5s
          maxDegradation: 0
          keepPrevious: {keepPrevious}
        """;

    public async Task DisposeAsync()
    {
        Builder?.Dispose();
        if (StandIn is not null)
            await StandIn.DisposeAsync();
        await Engine.DisposeAsync();
    }
}

/// <summary>
/// The kubernetes target: a Deployment and Service per version, probed through the API server's proxy,
/// switched and rolled back by the stable Service's selector.
/// </summary>
public sealed class KubernetesDeployTests(KubernetesCluster cluster) : IClassFixture<KubernetesCluster>
{
    readonly BuilderApi _api = cluster.Builder.Admin();

    async Task<JsonNode> DeployAsync(Guid repositoryId, string version, string? mode = null)
    {
        List<object> files = [BuilderApi.File("version.txt", version + "\n", "replace")];
        if (mode is not null)
            files.Add(BuilderApi.File("mode.txt", mode + "\n"));
        return await _api.WaitForEndAsync(await _api.SubmitAsync(repositoryId, $"Version {version}", files), TimeSpan.FromMinutes(4));
    }

    async Task<string> ServedAsync(string stable)
    {
        var (status, body) = await KubernetesCluster.GetAsync(stable);
        status.ShouldBe(HttpStatusCode.OK, body);
        return body;
    }

    [Fact]
    public async Task Versions_run_side_by_side_as_Deployments_the_stable_Service_switches_and_a_failing_version_is_rolled_back()
    {
        var name = $"k8s-{Guid.NewGuid():N}"[..20];
        using var repository = NodeService.Repository(KubernetesCluster.Manifest(name));
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);

        var first = await DeployAsync(repositoryId, "1");
        first["status"]!.GetValue<string>().ShouldBe("Completed", first.ToJsonString());
        var stable = JsonNode.Parse(await _api.Http.GetStringAsync($"/api/services/{name}"))!["stableUrl"]!.GetValue<string>();
        stable.ShouldBe($"{cluster.StandIn.Server}/api/v1/namespaces/{KubernetesCluster.Namespace}/services/{name}:http/proxy/");
        (await ServedAsync(stable)).ShouldStartWith("version 1 in ");

        // The objects applied are an artifact of the run, generated from builder.yaml.
        var objects = await _api.Http.GetStringAsync($"/api/features/{first["id"]}/artifacts/kubernetes.yaml");
        objects.ShouldContain("kind: Deployment");
        objects.ShouldContain($"name: {name}-v1");
        objects.ShouldContain($"image: builder/{name}:");
        objects.ShouldContain("readinessProbe:");
        objects.ShouldNotContain(KubernetesStandIn.Token);

        var second = await DeployAsync(repositoryId, "2");
        second["status"]!.GetValue<string>().ShouldBe("Completed", second.ToJsonString());
        (await ServedAsync(stable)).ShouldStartWith("version 2 in ");
        cluster.StandIn.Switches.Where(s => s.Service == name).Select(s => s.Version).ShouldBe(["2"], "the stable Service was created on version 1, then switched once");

        var broken = await DeployAsync(repositoryId, "3", mode: "unready");
        broken["status"]!.GetValue<string>().ShouldBe("RolledBack", broken.ToJsonString());
        broken["error"]!["message"]!.GetValue<string>().ShouldContain("readiness failed");
        (await ServedAsync(stable)).ShouldStartWith("version 2 in ");
        cluster.StandIn.Requests.ShouldContain($"DELETE /apis/apps/v1/namespaces/{KubernetesCluster.Namespace}/deployments/{name}-v3");
        cluster.StandIn.Switches.Count(s => s.Service == name).ShouldBe(1, "a version that never took traffic is rolled back without touching the stable Service");

        // A manual rollback of the live version: one patch of the selector back to version 1, still warm.
        var rollback = await _api.Http.PostAsJsonAsync($"/api/services/{name}/rollback", new { reason = "customers prefer version 1" });
        rollback.StatusCode.ShouldBe(HttpStatusCode.Accepted, await rollback.Content.ReadAsStringAsync());
        await Eventually.Until(async () => (await KubernetesCluster.GetAsync(stable)).Body, body => body.StartsWith("version 1 in "), "version 1 serves again", TimeSpan.FromSeconds(30));
        var versions = await Eventually.Until(async () => JsonNode.Parse(await _api.Http.GetStringAsync($"/api/services/{name}/versions"))!.AsArray()
                .ToDictionary(v => v!["number"]!.GetValue<int>(), v => (string)v!["state"]!),
            states => states[2] == "rolled-back", "version 2 marked rolled back", TimeSpan.FromSeconds(30));
        versions[1].ShouldBe("live");
        versions[3].ShouldBe("rolled-back");
        cluster.StandIn.Switches.Where(s => s.Service == name).Select(s => s.Version).ShouldBe(["2", "1"]);
        await Eventually.Until(() => cluster.StandIn.Requests, requests => requests.Contains($"DELETE /apis/apps/v1/namespaces/{KubernetesCluster.Namespace}/deployments/{name}-v2"),
            "version 2's Deployment deleted", TimeSpan.FromSeconds(30));
    }
}
