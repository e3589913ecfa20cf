using System.Net;
using Builder.Tests.Support;
using Xunit.Abstractions;

namespace Builder.Tests.AppHost;

/// <summary>The AppHost's application model, started through Aspire.Hosting.Testing.</summary>
[Collection(AppHostCollection.Name)]
public sealed class AspireAppHostTests(ITestOutputHelper log)
{
    static readonly TimeSpan FeatureTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Embedded_topology_serves_api_and_web_and_completes_a_drafted_feature()
    {
        await using var run = await AppHostRun.StartAsync("embedded", ["api", "web"], log);

        using var api = run.CreateHttpClient("api");
        (await api.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var web = run.CreateHttpClient("web");
        (await web.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await CompletesADraftedFeatureAsync(run);

        // The dashboard's buttons on the Api ask Builder with the admin key and show its answer.
        var status = await run.App.ResourceCommands.ExecuteCommandAsync("api", "builder-status");
        status.Success.ShouldBeTrue(status.Message);
        status.Data!.Value.ShouldContain("components");
        var recent = await run.App.ResourceCommands.ExecuteCommandAsync("api", "builder-recent-runs");
        recent.Success.ShouldBeTrue(recent.Message);
        recent.Data!.Value.ShouldContain("Answer with 42");
    }

    [Fact]
    public async Task AppHost_runs_cleanly()
    {
        var run = await AppHostRun.StartAsync("embedded", ["api", "web"], log);
        await using (run)
        {
            run.Unwell().ShouldBeEmpty(run.DescribeResources());
            (await run.StopAsync()).ShouldBeEmpty("processes the AppHost started outlived it");
        }
    }

    /// <summary>The servers alone, as test.sh and a developer's IDE use them: what servers.json says must answer.</summary>
    [Fact]
    public async Task Servers_topology_runs_the_three_servers_with_their_vhosts_and_says_where_they_answer()
    {
        var run = await AppHostRun.StartAsync("servers", ["postgres", "redis", "rabbitmq-epmd", "rabbitmq"], log, "--rabbitmq-vhosts", "team-a,team-b");
        await using (run)
        {
            run.Resources.ShouldBe(["postgres-init", "postgres", "redis", "rabbitmq-epmd", "rabbitmq"], ignoreOrder: true);
            var file = Path.Combine(run.Data.FullName, "servers", "servers.json");
            var servers = await Eventually.Until(() => File.Exists(file) ? System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file)) : null,
                s => s is not null, "servers.json written", TimeSpan.FromMinutes(1));

            await using (var postgres = new Npgsql.NpgsqlConnection(servers!["postgres"]!.GetValue<string>()))
            {
                await postgres.OpenAsync();
                postgres.Database.ShouldBe("builder");
            }

            await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(servers["redis"]!.GetValue<string>()))
                (await redis.GetDatabase().PingAsync()).ShouldBeLessThan(TimeSpan.FromSeconds(5));

            servers["rabbitmqVirtualHosts"]!.AsArray().Select(v => (string)v!).ShouldBe(["team-a", "team-b"]);
            var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(servers["rabbitmq"]!.GetValue<string>() + "team-b") };
            await using (var broker = await factory.CreateConnectionAsync())
                broker.IsOpen.ShouldBeTrue();

            (await run.StopAsync()).ShouldBeEmpty("processes the AppHost started outlived it");
        }
    }

    [Fact]
    public async Task Distributed_topology_is_healthy_and_completes_a_drafted_feature()
    {
        string[] resources = ["postgres", "redis", "rabbitmq-epmd", "rabbitmq", "api", "web", "worker-1", "worker-2"];
        var run = await AppHostRun.StartAsync("distributed", resources, log);
        await using (run)
        {
            run.Unwell().ShouldBeEmpty(run.DescribeResources());
            await CompletesADraftedFeatureAsync(run);
            await SurvivesItsWorkerBeingStoppedAsync(run);
            (await run.StopAsync()).ShouldBeEmpty("processes the AppHost started outlived it");
        }
    }

    /// <summary>
    /// The worker running a build is killed while the build sleeps: its unacknowledged message goes
    /// back to the broker, the other worker takes it, and the run completes.
    /// </summary>
    async Task SurvivesItsWorkerBeingStoppedAsync(AppHostRun run)
    {
        var api = BuilderApi.WithKey(run.CreateHttpClient("api"), run.AdminKey);
        using var repository = TestRepository.CreateMakeProject(build: "@sleep 20; echo build ok");
        var repositoryId = await api.RegisterRepositoryAsync(repository.RemotePath);
        var id = await api.SubmitAsync(repositoryId, "Answer with 42 despite a stopped worker", [BuilderApi.File("value.txt", "42\n", "replace")]);

        var producer = await Eventually.Until<string?>(async () => (await api.EventsAsync(id))
                .FirstOrDefault(e => (string)e!["type"]! == "phase.started" && (string)e["phase"]! == "build")?["producer"]?.GetValue<string>(),
            p => p is not null, "the build started", FeatureTimeout);
        var worker = ResourceOf(producer!);
        log.WriteLine($"build running in {worker} ({producer}); killing it");
        // Killed, as a crashed machine would lose it: nothing of the worker hands the build back.
        // (The dashboard's Stop command ends in "Failed to stop resource" from DCP on these machines,
        // with the resource left Unknown; a worker given SIGTERM itself exits at once: WorkerCrashTests.)
        System.Diagnostics.Process.GetProcessById(ProcessOf(producer!)).Kill();
        using (var stopping = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
            await run.App.ResourceNotifications.WaitForResourceAsync(worker,
                s => s.Snapshot.State?.Text != "Running" || s.Snapshot.HealthStatus != Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, stopping.Token);
        log.WriteLine($"after the kill: {run.DescribeResources()}");

        var feature = await api.WaitForEndAsync(id, FeatureTimeout);
        feature["status"]!.GetValue<string>().ShouldBe("Completed", feature.ToJsonString());
        var events = await api.EventsAsync(id);
        var builders = events.Where(e => (string)e!["type"]! == "phase.started" && (string)e["phase"]! == "build")
            .Select(e => (string)e!["producer"]!).ToList();
        events.Where(e => (string)e!["type"]! is "phase.completed" && (string)e["phase"]! == "build")
            .Select(e => (string)e!["producer"]!).Single().ShouldNotBe(producer, "the stopped worker cannot have finished the build");
        builders.ShouldContain(producer!);
        repository.Show(feature["branch"]!.GetValue<string>(), "value.txt").ShouldBe("42\n");
    }

    static int ProcessOf(string producer) => int.Parse(producer[(producer.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The AppHost resource a worker process is: each project is told its resource name as its OpenTelemetry service name.</summary>
    static string ResourceOf(string producer)
    {
        var environment = File.ReadAllText($"/proc/{ProcessOf(producer)}/environ").Split('\0');
        return environment.Single(v => v.StartsWith("OTEL_SERVICE_NAME=", StringComparison.Ordinal))["OTEL_SERVICE_NAME=".Length..];
    }

    async Task CompletesADraftedFeatureAsync(AppHostRun run)
    {
        var api = BuilderApi.WithKey(run.CreateHttpClient("api"), run.AdminKey);
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await api.RegisterRepositoryAsync(repository.RemotePath);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var id = await api.SubmitAsync(repositoryId, "Answer with 42", [BuilderApi.File("value.txt", "42\n", "replace")]);
        var feature = await api.WaitForEndAsync(id, FeatureTimeout);
        log.WriteLine($"feature {(string?)feature["status"]} after {clock.Elapsed.TotalSeconds:0.0} s");
        feature["status"]!.GetValue<string>().ShouldBe("Completed", feature.ToJsonString());
        repository.Show(feature["branch"]!.GetValue<string>(), "value.txt").ShouldBe("42\n");
    }
}
