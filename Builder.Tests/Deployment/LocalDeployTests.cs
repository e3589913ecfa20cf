using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Builder.Tests.Support;

namespace Builder.Tests.Deployment;

/// <summary>An embedded Builder whose readiness retry waits briefly, so rollbacks happen within a test's patience.</summary>
public sealed class DeployingBuilder : IDisposable
{
    public EmbeddedBuilder Builder { get; } = EmbeddedBuilder.With(new Dictionary<string, string?>
    {
        ["Builder:Deploy:ReadinessRetryDelay"] = "00:00:00.300",
    });

    public void Dispose() => Builder.Dispose();
}

/// <summary>
/// Features of a small Node HTTP service deployed on the local target: blue/green behind the stable
/// address, readiness, the monitoring window, and rollback to the previous version (or to nothing).
/// </summary>
public sealed class LocalDeployTests(DeployingBuilder fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<DeployingBuilder>
{
    readonly BuilderApi _api = fixture.Builder.Admin();

    /// <summary>
    /// version.txt names the version; mode.txt makes it "unready" (500 everywhere), "degrade-after-N"
    /// (500 after N requests) or "slow-N" (healthy, N ms slower on every answer).
    /// </summary>
    const string Server = """
        const http = require('http');
        const fs = require('fs');
        const read = (name, fallback) => fs.existsSync(`${__dirname}/${name}`) ? fs.readFileSync(`${__dirname}/${name}`, 'utf8').trim() : fallback;
        const version = read('version.txt', '0');
        const mode = read('mode.txt', 'healthy');
        const slow = mode.startsWith('slow-') ? Number(mode.slice('slow-'.length)) : 0;
        let served = 0;
        http.createServer((req, res) => {
          served++;
          const broken = mode === 'unready' || (mode.startsWith('degrade-after-') && served > Number(mode.slice('degrade-after-'.length)));
          setTimeout(() => {
            res.writeHead(broken ? 500 : 200, { 'content-type': 'text/plain' });
            res.end(broken ? 'broken\n' : `version ${version}\n`);
          }, slow);
        }).listen(Number(process.env.PORT), '127.0.0.1');
        """;

    internal static TestRepository ServiceRepository(string service) => TestRepository.Create(new Dictionary<string, string>
    {
        ["Makefile"] = "build:\n\t@node --check server.js\n\ntest:\n\t@echo tests passed\n",
        ["server.js"] = Server,
        ["version.txt"] = "0\n",
        ["builder.yaml"] = Manifest(service),
    });

    internal static string Manifest(string service, string window = "2s", string keepPrevious = "60s", string? publish = null) => $"""
        service: {service}
        runtime: node
        {(publish is null ? "" : $"publish: {publish}")}
        start: node server.js
        port: $PORT
        health:
          path: /health
          readinessTimeout: 6s
        policy:
          successRate: 99
          p99: 3s
          interval: 100ms
          window: {window}
          keepPrevious: {keepPrevious}
        """;

    /// <summary>
    /// Prints the time from the failed gate to the rollback's end, the previous version serving again
    /// (goal ≤ 5 s): a figure, not an assertion, since wall time on a shared machine is no test.
    /// </summary>
    void Benchmark(JsonArray events, string from, string what)
    {
        var start = events.First(e => (string)e!["type"]! == from)!["timestamp"]!.GetValue<DateTime>();
        var end = events.Single(e => (string)e!["type"]! == "rollback.completed")!["timestamp"]!.GetValue<DateTime>();
        output.WriteLine($"benchmark: {what} -> previous version serving again: {(end - start).TotalMilliseconds:0} ms (goal ≤ 5000 ms)");
        end.ShouldBeGreaterThanOrEqualTo(start);
    }

    static string NewName() => $"svc-{Guid.NewGuid():N}"[..20];

    async Task<JsonNode> DeployAsync(Guid repositoryId, string version, string? mode = null, string? manifest = null) =>
        await _api.WaitForEndAsync(await SubmitVersionAsync(repositoryId, version, mode, manifest), TimeSpan.FromMinutes(3));

    async Task<Guid> SubmitVersionAsync(Guid repositoryId, string version, string? mode = null, string? manifest = null)
    {
        List<object> files = [BuilderApi.File("version.txt", version + "\n", "replace")];
        if (mode is not null)
            files.Add(BuilderApi.File("mode.txt", mode + "\n"));
        if (manifest is not null)
            files.Add(BuilderApi.File("builder.yaml", manifest, "replace"));
        return await _api.SubmitAsync(repositoryId, $"Version {version}", files);
    }

    async Task<JsonNode> ServiceAsync(string name) => JsonNode.Parse(await _api.Http.GetStringAsync($"/api/services/{name}"))!;

    async Task<List<(int Number, string State)>> VersionsAsync(string name) =>
        JsonNode.Parse(await _api.Http.GetStringAsync($"/api/services/{name}/versions"))!.AsArray()
            .Select(v => (v!["number"]!.GetValue<int>(), v["state"]!.GetValue<string>())).ToList();

    static async Task<(HttpStatusCode Status, string Body)> GetAsync(string url)
    {
        using var client = new HttpClient();
        using var response = await client.GetAsync(url);
        return (response.StatusCode, (await response.Content.ReadAsStringAsync()).Trim());
    }

    [Fact]
    public async Task A_new_version_goes_live_behind_the_stable_address_without_a_failed_request_and_the_old_one_stands_by()
    {
        var name = NewName();
        using var repository = ServiceRepository(name);
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);

        var first = await DeployAsync(repositoryId, "1");
        first["status"]!.GetValue<string>().ShouldBe("Completed", first.ToJsonString());
        var stable = (await ServiceAsync(name))["stableUrl"]!.GetValue<string>();
        stable.ShouldEndWith($"/services/{name}/");
        (await GetAsync(stable)).ShouldBe((HttpStatusCode.OK, "version 1"));

        // A client hitting the stable address every 50 ms across the switch.
        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();
        var seen = new ConcurrentDictionary<string, int>();
        var client = Task.Run(async () =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await http.GetAsync(stable);
                    var body = (await response.Content.ReadAsStringAsync()).Trim();
                    if (response.StatusCode == HttpStatusCode.OK)
                        seen.AddOrUpdate(body, 1, (_, n) => n + 1);
                    else
                        failures.Enqueue($"{(int)response.StatusCode} {body}");
                }
                catch (HttpRequestException ex)
                {
                    failures.Enqueue(ex.Message);
                }

                await Task.Delay(50);
            }
        });

        var second = await DeployAsync(repositoryId, "2");
        await Task.Delay(300);
        await stop.CancelAsync();
        await client;

        second["status"]!.GetValue<string>().ShouldBe("Completed", second.ToJsonString());
        second["phases"]!.AsArray().Select(p => ((string)p!["name"]!, (string)p["status"]!)).TakeLast(2).ShouldBe([("deploy", "done"), ("healthcheck", "done")]);
        failures.ShouldBeEmpty();
        seen.Keys.ShouldBe(["version 1", "version 2"], ignoreOrder: true);
        (await GetAsync(stable)).ShouldBe((HttpStatusCode.OK, "version 2"));

        var service = await ServiceAsync(name);
        service["live"]!["number"]!.GetValue<int>().ShouldBe(2);
        (await VersionsAsync(name)).ShouldBe([(2, "live"), (1, "standby")]);

        var types = (await _api.EventsAsync(second["id"]!.GetValue<Guid>())).Select(e => (string)e!["type"]!).ToList();
        types.ShouldContain("deploy.release_published");
        types.ShouldContain("deploy.version_started");
        types.ShouldContain("healthcheck.readiness");
        types.ShouldContain("deploy.traffic_switched");
        types.ShouldContain("healthcheck.window_completed");
        types.Last().ShouldBe("feature.completed");
    }

    [Fact]
    public async Task A_version_that_fails_readiness_is_rolled_back_and_the_previous_version_keeps_serving()
    {
        var name = NewName();
        using var repository = ServiceRepository(name);
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        var first = await DeployAsync(repositoryId, "1");
        first["status"]!.GetValue<string>().ShouldBe("Completed", first.ToJsonString());

        var broken = await DeployAsync(repositoryId, "2", "unready");

        broken["status"]!.GetValue<string>().ShouldBe("RolledBack", broken.ToJsonString());
        broken["error"]!["code"]!.GetValue<string>().ShouldBe("rolled_back");
        broken["error"]!["message"]!.GetValue<string>().ShouldContain("readiness failed: /health answered 500");
        broken["error"]!["message"]!.GetValue<string>().ShouldContain("version 1 serves again");
        var stable = (await ServiceAsync(name))["stableUrl"]!.GetValue<string>();
        (await GetAsync(stable)).ShouldBe((HttpStatusCode.OK, "version 1"));
        (await VersionsAsync(name)).ShouldBe([(2, "rolled-back"), (1, "live")]);

        var events = await _api.EventsAsync(broken["id"]!.GetValue<Guid>());
        events.Count(e => (string)e!["type"]! == "healthcheck.readiness").ShouldBe(2, "a failed readiness check is retried once");
        events.Select(e => (string)e!["type"]!).ShouldContain("rollback.completed");
        events.Select(e => (string)e!["type"]!).ShouldNotContain("deploy.traffic_switched");
        Benchmark(events, "rollback.started", "failed readiness gate");
    }

    [Fact]
    public async Task A_version_that_cannot_be_published_is_rolled_back_in_Deploy_and_the_live_version_keeps_serving()
    {
        var name = NewName();
        using var repository = ServiceRepository(name);
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        (await DeployAsync(repositoryId, "1"))["status"]!.GetValue<string>().ShouldBe("Completed");

        var broken = await DeployAsync(repositoryId, "2", manifest: Manifest(name, publish: "'echo the package registry is down >&2; exit 3'"));

        broken["status"]!.GetValue<string>().ShouldBe("RolledBack", broken.ToJsonString());
        broken["error"]!["code"]!.GetValue<string>().ShouldBe("rolled_back");
        broken["error"]!["phase"]!.GetValue<string>().ShouldBe("deploy");
        broken["error"]!["message"]!.GetValue<string>().ShouldContain("the deploy failed");
        broken["error"]!["message"]!.GetValue<string>().ShouldContain("version 1 still serves");
        broken["phases"]!.AsArray().Single(p => (string?)p!["name"] == "healthcheck")!["status"]!.GetValue<string>().ShouldBe("pending");
        var stable = (await ServiceAsync(name))["stableUrl"]!.GetValue<string>();
        (await GetAsync(stable)).ShouldBe((HttpStatusCode.OK, "version 1"));
        (await VersionsAsync(name)).ShouldBe([(2, "rolled-back"), (1, "live")]);
    }

    [Fact]
    public async Task A_version_much_slower_than_the_one_it_replaces_is_rolled_back_although_within_the_absolute_limits()
    {
        var name = NewName();
        using var repository = ServiceRepository(name);
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        (await DeployAsync(repositoryId, "1"))["status"]!.GetValue<string>().ShouldBe("Completed");

        // 80 ms more per answer: far inside the 3 s p99 limit, far worse than version 1.
        var slower = await DeployAsync(repositoryId, "2", "slow-80");

        slower["status"]!.GetValue<string>().ShouldBe("RolledBack", slower.ToJsonString());
        slower["error"]!["message"]!.GetValue<string>().ShouldContain("more than 10% worse than version 1's");
        var stable = (await ServiceAsync(name))["stableUrl"]!.GetValue<string>();
        (await GetAsync(stable)).ShouldBe((HttpStatusCode.OK, "version 1"));
        var breach = (await _api.EventsAsync(slower["id"]!.GetValue<Guid>())).Single(e => (string?)e!["type"] == "healthcheck.breached")!["payload"]!["figures"]!;
        output.WriteLine($"new p50 {breach["p50Ms"]} ms, previous p50 {breach["previousP50Ms"]} ms");
        breach["previousP50Ms"]!.GetValue<double>().ShouldBeLessThan(breach["p50Ms"]!.GetValue<double>());
    }

    [Fact]
    public async Task A_version_that_degrades_inside_the_window_is_rolled_back_with_the_figures()
    {
        var name = NewName();
        using var repository = ServiceRepository(name);
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        (await DeployAsync(repositoryId, "1"))["status"]!.GetValue<string>().ShouldBe("Completed");

        var degrading = await DeployAsync(repositoryId, "2", "degrade-after-8");

        degrading["status"]!.GetValue<string>().ShouldBe("RolledBack", degrading.ToJsonString());
        degrading["error"]!["message"]!.GetValue<string>().ShouldContain("the monitoring window failed");
        var stable = (await ServiceAsync(name))["stableUrl"]!.GetValue<string>();
        (await GetAsync(stable)).ShouldBe((HttpStatusCode.OK, "version 1"));
        (await VersionsAsync(name)).ShouldBe([(2, "rolled-back"), (1, "live")]);

        var events = await _api.EventsAsync(degrading["id"]!.GetValue<Guid>());
        events.Select(e => (string)e!["type"]!).ShouldContain("deploy.traffic_switched");
        Benchmark(events, "healthcheck.breached", "breach in the window");
        var failed = events.Last(e => (string)e!["type"]! == "feature.failed");
        failed!["payload"]!["rolledBack"]!.GetValue<bool>().ShouldBeTrue();
        failed["payload"]!["figures"]!["failures"]!.GetValue<double>().ShouldBeGreaterThan(0);
        failed["payload"]!["figures"]!["successRate"]!.GetValue<double>().ShouldBeLessThan(99);
    }

    [Fact]
    public async Task A_first_deploy_that_fails_readiness_rolls_back_to_not_deployed()
    {
        var name = NewName();
        using var repository = ServiceRepository(name);
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);

        var broken = await DeployAsync(repositoryId, "1", "unready");

        broken["status"]!.GetValue<string>().ShouldBe("RolledBack", broken.ToJsonString());
        broken["error"]!["message"]!.GetValue<string>().ShouldContain("no previous version: the service is not deployed");
        var service = await ServiceAsync(name);
        service["live"].ShouldBeNull();
        (await GetAsync(service["stableUrl"]!.GetValue<string>())).Status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await VersionsAsync(name)).ShouldBe([(1, "rolled-back")]);
    }

    [Fact]
    public async Task An_invalid_manifest_fails_Deploy_naming_the_line()
    {
        using var repository = ServiceRepository(NewName());
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        var id = await _api.SubmitAsync(repositoryId, "Heroku please",
            [BuilderApi.File("builder.yaml", "service: api\nruntime: node\nstart: node server.js\ntarget: heroku\n", "replace")]);

        var feature = await _api.WaitForEndAsync(id, TimeSpan.FromMinutes(3));

        feature["status"]!.GetValue<string>().ShouldBe("Failed");
        feature["error"]!["phase"]!.GetValue<string>().ShouldBe("deploy");
        feature["error"]!["code"]!.GetValue<string>().ShouldBe("manifest_invalid");
        feature["error"]!["message"]!.GetValue<string>().ShouldContain("line 4: target 'heroku' is not one of local, docker, kubernetes");
    }

    [Theory]
    [InlineData("docker", "builds the service's image with a container engine, but")]
    [InlineData("kubernetes", "no Kubernetes cluster is configured (set Builder:Deploy:Kubernetes:Server and :Token, or :Kubeconfig)")]
    public async Task A_target_this_Builder_cannot_reach_fails_Deploy_saying_what_to_set(string target, string expected)
    {
        using var repository = ServiceRepository(NewName());
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        var id = await _api.SubmitAsync(repositoryId, $"Deploy to {target}",
            [BuilderApi.File("builder.yaml", $"service: api\nruntime: node\nstart: node server.js\ntarget: {target}\n", "replace")]);

        var feature = await _api.WaitForEndAsync(id, TimeSpan.FromMinutes(3));

        feature["status"]!.GetValue<string>().ShouldBe("Failed");
        feature["error"]!["code"]!.GetValue<string>().ShouldBe("target_unavailable");
        feature["error"]!["message"]!.GetValue<string>().ShouldContain(expected);
    }

    [Fact]
    public async Task The_replaced_version_is_stopped_when_its_rollback_window_is_over()
    {
        var name = NewName();
        using var repository = ServiceRepository(name);
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        (await DeployAsync(repositoryId, "1"))["status"]!.GetValue<string>().ShouldBe("Completed");
        var firstUrl = JsonNode.Parse(await _api.Http.GetStringAsync($"/api/services/{name}/versions"))!.AsArray().Single()!["url"]!.GetValue<string>();

        (await DeployAsync(repositoryId, "2", manifest: Manifest(name, keepPrevious: "1s")))["status"]!.GetValue<string>().ShouldBe("Completed");

        await Eventually.Until(() => VersionsAsync(name), v => v.Last().State == "stopped", "version 1 to be stopped", TimeSpan.FromSeconds(20));
        (await VersionsAsync(name)).ShouldBe([(2, "live"), (1, "stopped")]);
        await Should.ThrowAsync<HttpRequestException>(() => GetAsync(firstUrl));
    }

    [Fact]
    public async Task Cancelling_during_HealthCheck_gives_the_stable_address_back_to_the_previous_version()
    {
        var name = NewName();
        using var repository = ServiceRepository(name);
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        (await DeployAsync(repositoryId, "1"))["status"]!.GetValue<string>().ShouldBe("Completed");
        var stable = (await ServiceAsync(name))["stableUrl"]!.GetValue<string>();

        var id = await SubmitVersionAsync(repositoryId, "2", manifest: Manifest(name, window: "60s"));
        await Eventually.True(async () => (await _api.EventsAsync(id)).Any(e => (string)e!["type"]! == "deploy.traffic_switched"),
            "the switch to version 2", TimeSpan.FromMinutes(3), TimeSpan.FromMilliseconds(200));
        (await GetAsync(stable)).ShouldBe((HttpStatusCode.OK, "version 2"));

        (await _api.ActAsync(id, "cancel", new { reason = "changed my mind" })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await _api.WaitForEndAsync(id))["status"]!.GetValue<string>().ShouldBe("Cancelled");

        await Eventually.Until(() => VersionsAsync(name), v => v.First().State == "rolled-back", "version 2 to be rolled back", TimeSpan.FromSeconds(10));
        (await VersionsAsync(name)).ShouldBe([(2, "rolled-back"), (1, "live")]);
        (await GetAsync(stable)).ShouldBe((HttpStatusCode.OK, "version 1"));
    }

    [Fact]
    public async Task A_manual_rollback_gives_the_stable_address_back_to_the_standby_version_once()
    {
        var name = NewName();
        using var repository = ServiceRepository(name);
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        (await DeployAsync(repositoryId, "1"))["status"]!.GetValue<string>().ShouldBe("Completed");
        (await DeployAsync(repositoryId, "2"))["status"]!.GetValue<string>().ShouldBe("Completed");
        var stable = (await ServiceAsync(name))["stableUrl"]!.GetValue<string>();

        var accepted = await _api.Http.PostAsJsonAsync($"/api/services/{name}/rollback", new { reason = "customers complain" });
        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync());
        await Eventually.Until(() => VersionsAsync(name), v => v.First().State == "rolled-back", "version 2 to be rolled back", TimeSpan.FromSeconds(20));

        (await VersionsAsync(name)).ShouldBe([(2, "rolled-back"), (1, "live")]);
        (await GetAsync(stable)).ShouldBe((HttpStatusCode.OK, "version 1"));
        (await _api.Http.PostAsJsonAsync($"/api/services/{name}/rollback", new { })).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await _api.Http.PostAsJsonAsync($"/api/services/nothing-here/rollback", new { })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
