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

    [Fact]
    public async Task Distributed_topology_is_healthy_and_completes_a_drafted_feature()
    {
        string[] resources = ["postgres", "redis", "rabbitmq-epmd", "rabbitmq", "api", "web", "worker-1", "worker-2"];
        var run = await AppHostRun.StartAsync("distributed", resources, log);
        await using (run)
        {
            run.Unwell().ShouldBeEmpty(run.DescribeResources());
            await CompletesADraftedFeatureAsync(run);
            (await run.StopAsync()).ShouldBeEmpty("processes the AppHost started outlived it");
        }
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
