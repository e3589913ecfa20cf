using System.Text.Json.Nodes;
using Builder.Tests.Deployment;
using Builder.Tests.Support;

namespace Builder.Tests.Environments;

/// <summary>
/// Offline stand-ins for the images an environment is made from: a Debian-like base (busybox and the
/// host's make) and a "node 18" runtime image whose node only says its version, so a test that needs
/// node 18 can pass only inside the environment image (the worker's own node is another major).
/// </summary>
public sealed class EnvironmentEngine : IAsyncLifetime
{
    public const string BaseImage = "local/builder-test-base";
    public const string RuntimeImagePattern = "local/builder-test-runtime-node:{version}";

    public ContainerEngine Engine { get; } = new();

    public EmbeddedBuilder Builder { get; private set; } = default!;

    public Dictionary<string, string?> Settings => new(Engine.Settings)
    {
        ["Builder:Environments:Bases:debian-bookworm"] = BaseImage,
        ["Builder:Environments:RuntimeImages:node"] = RuntimeImagePattern,
    };

    public async Task InitializeAsync()
    {
        await Engine.InitializeAsync();
        await Engine.ImportAsync(BaseImage, "latest", programs: ["/usr/bin/make"]);
        await Engine.ImportAsync("local/builder-test-runtime-node", "18",
            files: new Dictionary<string, string> { ["usr/local/bin/node"] = "#!/bin/sh\necho v18.20.4\n" });
        Builder = EmbeddedBuilder.With(Settings);
    }

    public async Task DisposeAsync()
    {
        Builder?.Dispose();
        await Engine.DisposeAsync();
    }
}

/// <summary>A repository's .builder/environment.yaml turned into an image its commands run in, through the real engine.</summary>
public sealed class EnvironmentImageTests(EnvironmentEngine environment) : IClassFixture<EnvironmentEngine>
{
    readonly BuilderApi _api = environment.Builder.Admin();

    /// <summary>A variable of its own gives each test a new hash: the engine's images outlive test runs on one machine.</summary>
    static string Manifest() => $"""
        base: debian-bookworm
        runtimes:
          node: "18"
        variables:
          GREETING: hello from the environment
          TEST_RUN: "{Guid.NewGuid():N}"

        """;

    static TestRepository Repository(string makefile, string? manifest = null) => TestRepository.Create(new Dictionary<string, string>
    {
        ["Makefile"] = makefile,
        ["value.txt"] = "0\n",
        [".builder/environment.yaml"] = manifest ?? Manifest(),
    });

    async Task<(JsonNode Feature, List<string> Types)> RunAsync(Guid repositoryId, string value)
    {
        var id = await _api.SubmitAsync(repositoryId, $"Value {value}", [BuilderApi.File("value.txt", value + "\n", "replace")]);
        var feature = await _api.WaitForEndAsync(id, TimeSpan.FromMinutes(4));
        return (feature, (await _api.EventsAsync(id)).Select(e => (string)e!["type"]!).ToList());
    }

    [Fact]
    public async Task The_image_is_built_once_for_two_features_and_a_test_needing_node_18_passes_only_inside_it()
    {
        // The worker's own node is not 18: under bubblewrap this test would fail.
        using var repository = Repository("build:\n\t@echo \"$$GREETING\"\n\ntest:\n\t@node --version | grep -q '^v18\\.' && echo \"node $$(node --version) here\"\n");
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);

        var (first, firstTypes) = await RunAsync(repositoryId, "1");
        first["status"]!.GetValue<string>().ShouldBe("Completed", first.ToJsonString());
        firstTypes.ShouldContain("environment.image_built");
        var id = first["id"]!.GetValue<Guid>();
        (await _api.Http.GetStringAsync($"/api/features/{id}/artifacts/build.log")).ShouldContain("hello from the environment");
        (await _api.Http.GetStringAsync($"/api/features/{id}/artifacts/test.log")).ShouldContain("node v18.20.4 here");
        var dockerfile = await _api.Http.GetStringAsync($"/api/features/{id}/artifacts/environment.Dockerfile");
        dockerfile.ShouldContain($"FROM local/builder-test-runtime-node:18 AS node");

        var (second, secondTypes) = await RunAsync(repositoryId, "2");
        second["status"]!.GetValue<string>().ShouldBe("Completed", second.ToJsonString());
        secondTypes.ShouldContain("environment.image_reused");
        secondTypes.ShouldNotContain("environment.image_built");
    }

    [Fact]
    public async Task Build_and_test_in_the_image_have_no_network()
    {
        // 10.88.0.1 is the engine's bridge: from a container with a network it answers (a refused port is
        // an answer); from one without, the connection cannot even leave ("Network is unreachable").
        using var repository = Repository("build:\n\t@echo build\n\ntest:\n\t@busybox nc -w 3 10.88.0.1 22 </dev/null 2>nc.err; echo \"offline: $$(cat nc.err)\"\n");
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);

        var (feature, _) = await RunAsync(repositoryId, "1");

        feature["status"]!.GetValue<string>().ShouldBe("Completed", feature.ToJsonString());
        var log = await _api.Http.GetStringAsync($"/api/features/{feature["id"]}/artifacts/test.log");
        log.ShouldContain("offline: ", customMessage: log);
        log.ShouldContain("Network is unreachable", Case.Sensitive, log);
    }

    [Fact]
    public async Task A_failing_image_build_fails_Plan_with_the_log_tail()
    {
        using var repository = Repository("build:\n\t@true\n\ntest:\n\t@true\n",
            Manifest() + "setup:\n  - echo preparing && exit 7\n");
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);

        var (feature, _) = await RunAsync(repositoryId, "1");

        feature["status"]!.GetValue<string>().ShouldBe("Failed", feature.ToJsonString());
        feature["error"]!["phase"]!.GetValue<string>().ShouldBe("plan");
        feature["error"]!["code"]!.GetValue<string>().ShouldBe("environment_build_failed");
        feature["error"]!["message"]!.GetValue<string>().ShouldContain("preparing");
    }
}

/// <summary>The memory limit holds in the environment image as under bubblewrap.</summary>
public sealed class EnvironmentLimitTests(EnvironmentEngine environment) : IClassFixture<EnvironmentEngine>
{
    [Fact]
    public async Task A_build_over_the_memory_limit_is_stopped_and_named()
    {
        using var builder = EmbeddedBuilder.With(new Dictionary<string, string?>(environment.Settings) { ["Builder:Worker:MemoryLimitBytes"] = $"{64 * 1024 * 1024}" });
        var api = builder.Admin();
        // dd holds a whole block in memory: one of 300 MB.
        using var repository = TestRepository.Create(new Dictionary<string, string>
        {
            ["Makefile"] = "build:\n\t@dd if=/dev/zero of=/dev/null bs=300M count=1\n\ntest:\n\t@true\n",
            ["value.txt"] = "0\n",
            [".builder/environment.yaml"] = "base: debian-bookworm\n",
        });
        var repositoryId = await api.RegisterRepositoryAsync(repository.RemotePath);
        var id = await api.SubmitAsync(repositoryId, "Too big", [BuilderApi.File("value.txt", "1\n", "replace")]);

        var feature = await api.WaitForEndAsync(id, TimeSpan.FromMinutes(4));

        feature["status"]!.GetValue<string>().ShouldBe("Failed", feature.ToJsonString());
        (await api.Http.GetStringAsync($"/api/features/{id}/artifacts/build.log")).ShouldContain("used more than its memory limit of 64 MiB");
    }
}
