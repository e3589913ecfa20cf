using Builder.Worker.Deployment;

namespace Builder.Tests.Deployment;

public sealed class DeployManifestSpecs
{
    [Fact]
    public void A_full_manifest_is_read_with_every_setting()
    {
        var manifest = DeployManifestParser.Parse("""
            service: hello
            runtime: node
            publish: npm ci --omit=dev
            start: node server.js
            port: $PORT
            health:
              path: /healthz
              status: 204
              readinessTimeout: 10s
            environment:
              GREETING: hi
            resources:
              memory: 256Mi
              processes: 32
            target: local
            policy:
              successRate: 95%
              p99: 250ms
              interval: 100ms
              window: 2s
              keepPrevious: 1m
              maxDegradation: 25
            """);

        manifest.Service.ShouldBe("hello");
        manifest.Runtime.ShouldBe("node");
        manifest.Publish.ShouldBe("npm ci --omit=dev");
        manifest.Start.ShouldBe("node server.js");
        manifest.Port.ShouldBeNull();
        (manifest.Health.Path, manifest.Health.ExpectedStatus, manifest.Health.ReadinessTimeout).ShouldBe(("/healthz", 204, TimeSpan.FromSeconds(10)));
        manifest.Health.Contract.ShouldBeEmpty();
        manifest.Environment.ShouldBe(new Dictionary<string, string> { ["GREETING"] = "hi" });
        manifest.Resources.ShouldBe(new ResourceSettings { MemoryBytes = 256L * 1024 * 1024, MaxProcesses = 32 });
        manifest.Target.ShouldBe("local");
        manifest.Policy.ShouldBe(new HealthPolicy
        {
            SuccessRate = 95, MaxP99 = TimeSpan.FromMilliseconds(250), Interval = TimeSpan.FromMilliseconds(100), Window = TimeSpan.FromSeconds(2),
            KeepPrevious = TimeSpan.FromMinutes(1), MaxDegradation = 25,
        });
    }

    [Fact]
    public void A_declared_contract_lists_the_endpoints_to_check()
    {
        DeployManifestParser.Parse("service: api\nruntime: node\nstart: x\nhealth:\n  contract: [health, message]\n")
            .Health.Contract.ShouldBe(["health", "message"]);
        DeployManifestParser.Parse("service: api\nruntime: node\nstart: x\n").Health.Contract.ShouldBeEmpty();
    }

    [Fact]
    public void Declared_egress_hosts_are_read_in_lower_case_and_a_manifest_without_any_declares_none()
    {
        DeployManifestParser.Parse("service: api\nruntime: node\nstart: x\negress:\n  - API.Example.com\n  - \"*.partner.example:8443\"\n")
            .Egress.ShouldBe(["api.example.com", "*.partner.example:8443"]);
        DeployManifestParser.Parse("service: api\nruntime: node\nstart: x\n").Egress.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("dotnet", "dotnet publish -c Release -o publish")]
    [InlineData("node", "test ! -f package.json || npm ci --omit=dev")]
    [InlineData("go", "go build -o service .")]
    [InlineData("command", null)]
    public void Publish_defaults_per_runtime_and_the_rest_to_Flaggers_policy(string runtime, string? publish)
    {
        var manifest = DeployManifestParser.Parse($"service: api\nruntime: {runtime}\nstart: ./run\n");

        manifest.Publish.ShouldBe(publish);
        manifest.Target.ShouldBe("local");
        manifest.Health.Path.ShouldBe("/health");
        manifest.Health.ExpectedStatus.ShouldBe(200);
        manifest.Policy.ShouldBe(new HealthPolicy());
        manifest.Policy.SuccessRate.ShouldBe(99);
        manifest.Policy.MaxP99.ShouldBe(TimeSpan.FromMilliseconds(500));
        manifest.Policy.Window.ShouldBe(TimeSpan.FromSeconds(60));
        manifest.Policy.MaxDegradation.ShouldBe(10);
    }

    [Fact]
    public void Publish_none_publishes_nothing() =>
        DeployManifestParser.Parse("service: api\nruntime: node\npublish: none\nstart: node a.js\n").Publish.ShouldBeNull();

    [Theory]
    [InlineData("service: api\nruntime: ruby\nstart: x\n", "line 2: runtime 'ruby' is not one of dotnet, node, python, go, command")]
    [InlineData("service: api\nruntime: node\n", "line 1: start is required")]
    [InlineData("service: Bad_Name\nruntime: node\nstart: x\n", "line 1: service 'Bad_Name' must be lowercase")]
    [InlineData("service: api\nruntime: node\nstart: x\nport: eighty\n", "line 4: port 'eighty' must be $PORT or a number")]
    [InlineData("service: api\nruntime: node\nstart: x\ntarget: heroku\n", "line 4: target 'heroku' is not one of local, docker, kubernetes")]
    [InlineData("service: api\nruntime: node\nstart: x\nhealth:\n  path: health\n", "line 5: health.path 'health' must start with '/'")]
    [InlineData("service: api\nruntime: node\nstart: x\nhealth:\n  readinessTimeout: soon\n", "line 5: readinessTimeout 'soon' must be a duration")]
    [InlineData("service: api\nruntime: node\nstart: x\nenvironment:\n  DB_PASSWORD: hunter2\n", "line 5: environment.DB_PASSWORD looks like a secret")]
    [InlineData("service: api\nruntime: node\nstart: x\nenvironment:\n  API_KEY:\n    secret: api-key\n", "line 6: environment.API_KEY: secret references")]
    [InlineData("service: api\nruntime: node\nstart: x\nresources:\n  memory: lots\n", "line 5: memory 'lots' must be a size")]
    [InlineData("service: api\nruntime: node\nstart: x\npolicy:\n  successRate: 120\n", "line 5: successRate '120' must be a number from 0 to 100")]
    [InlineData("service: api\nruntime: node\nstart: x\negress:\n  - api.example.com\n  - https://evil.example/x\n", "line 6: egress: 'https://evil.example/x' is a URL or a path")]
    [InlineData("service: api\nruntime: node\nstart: x\negress: api.example.com\n", "line 4: egress must be a list of host names")]
    [InlineData("service: api\nruntime: node\nstart: x\nhealth:\n  contract: [health, metrics]\n", "line 5: contract: 'metrics' is not one of health, capabilities, state, dependencies, message")]
    [InlineData("service: api\nruntime: node\nstart: x\npolicy:\n  interval: 10s\n  window: 5s\n", "policy.interval (10 s) is longer than policy.window (5 s)")]
    [InlineData("service: api\nruntime: node\nstart: x\nreplicas: 3\n", "line 4: unknown setting 'replicas'")]
    [InlineData("service: api\n  runtime: node\n", "line 2:")]
    public void Mistakes_are_refused_naming_the_line(string yaml, string error)
    {
        var refused = Should.Throw<DeployManifestException>(() => DeployManifestParser.Parse(yaml));

        refused.Errors.ShouldContain(e => e.Contains(error), string.Join("\n", refused.Errors));
        refused.Message.ShouldStartWith("builder.yaml is not valid:");
    }

    [Fact]
    public void Every_mistake_is_reported_at_once()
    {
        var refused = Should.Throw<DeployManifestException>(() => DeployManifestParser.Parse("runtime: ruby\nport: 0\n"));

        refused.Errors.Count.ShouldBe(4, string.Join("\n", refused.Errors));
    }

    [Fact]
    public void A_repository_without_a_manifest_has_none()
    {
        var folder = Directory.CreateTempSubdirectory("manifest-").FullName;
        try
        {
            DeployManifestParser.Find(folder).ShouldBeNull();
            File.WriteAllText(Path.Combine(folder, "builder.yaml"), "service: api\nruntime: command\nstart: ./serve\n");
            DeployManifestParser.Find(folder)!.Service.ShouldBe("api");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
