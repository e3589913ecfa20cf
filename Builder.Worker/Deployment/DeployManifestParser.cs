using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

using Builder.Worker.Manifests;

namespace Builder.Worker.Deployment;

/// <summary>
/// Reads builder.yaml through YamlDotNet's node model rather than a typed deserializer, so every
/// error can name the line of the value it is about, and unknown keys are refused, not ignored.
/// </summary>
public static partial class DeployManifestParser
{
    public static readonly IReadOnlyList<string> Runtimes = ["dotnet", "node", "python", "go", "command"];
    public static readonly IReadOnlyList<string> Targets = ["local", "docker", "kubernetes"];

    static readonly string[] TopLevelKeys = ["service", "runtime", "publish", "start", "port", "health", "environment", "resources", "target", "policy", "egress", "telemetry"];
    static readonly string[] TelemetryKeys = ["endpoints", "metrics"];
    static readonly string[] HealthKeys = ["path", "status", "readinessTimeout", "contract"];
    static readonly string[] ResourceKeys = ["memory", "processes"];
    static readonly string[] PolicyKeys = ["successRate", "p99", "interval", "window", "keepPrevious", "maxDegradation"];

    /// <summary>The publish command when the manifest names none; guarded so a repository without a lockfile publishes nothing.</summary>
    public static string? DefaultPublish(string runtime) => runtime switch
    {
        "dotnet" => "dotnet publish -c Release -o publish",
        "node" => "test ! -f package.json || npm ci --omit=dev",
        "python" => "test ! -f requirements.txt || python3 -m pip install --quiet --target .packages -r requirements.txt",
        "go" => "go build -o service .",
        _ => null,
    };

    /// <summary>The manifest in <paramref name="folder"/>, or null when the repository has none.</summary>
    public static DeployManifest? Find(string folder)
    {
        var path = Path.Combine(folder, DeployManifest.FileName);
        return File.Exists(path) ? Parse(File.ReadAllText(path)) : null;
    }

    public static DeployManifest Parse(string yaml)
    {
        var errors = new List<string>();
        var root = ManifestReader.Load(yaml, "service, runtime, start, ...", out var loadError) ?? throw new DeployManifestException([loadError!]);

        var reader = new ManifestReader(errors);
        reader.RefuseUnknown(root, TopLevelKeys, "");

        var service = reader.Text(root, "service", required: true);
        if (service is not null && !ServiceName().IsMatch(service))
            reader.Error(root, "service", $"service '{service}' must be lowercase letters, digits and dashes, starting with a letter (at most 40)");

        var runtime = reader.Text(root, "runtime", required: true);
        if (runtime is not null && !Runtimes.Contains(runtime))
            reader.Error(root, "runtime", $"runtime '{runtime}' is not one of {string.Join(", ", Runtimes)}");

        var publish = reader.Text(root, "publish");
        var start = reader.Text(root, "start", required: true);

        int? port = null;
        if (reader.Scalar(root, "port") is { } portNode && portNode.Value != "$PORT")
        {
            if (int.TryParse(portNode.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and < 65536)
                port = number;
            else
                reader.Error(portNode, $"port '{portNode.Value}' must be $PORT or a number from 1 to 65535");
        }

        var health = new HealthSettings();
        if (reader.Mapping(root, "health") is { } healthNode)
        {
            reader.RefuseUnknown(healthNode, HealthKeys, "health.");
            var path = reader.Text(healthNode, "path") ?? health.Path;
            if (!path.StartsWith('/'))
                reader.Error(healthNode, "path", $"health.path '{path}' must start with '/'");
            health = new HealthSettings
            {
                Path = path,
                ExpectedStatus = reader.Integer(healthNode, "status", 100, 599) ?? health.ExpectedStatus,
                ReadinessTimeout = reader.Duration(healthNode, "readinessTimeout", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(30)) ?? health.ReadinessTimeout,
                Contract = reader.NameList(healthNode, "contract", HealthSettings.ContractEndpoints),
            };
        }

        var environment = new Dictionary<string, string>();
        if (reader.Mapping(root, "environment") is { } environmentNode)
        {
            foreach (var (keyNode, valueNode) in environmentNode.Children)
            {
                var name = ((YamlScalarNode)keyNode).Value ?? "";
                if (!VariableName().IsMatch(name))
                    errors.Add($"line {keyNode.Start.Line}: environment variable '{name}' must be letters, digits and underscores");
                else if (valueNode is YamlMappingNode)
                    errors.Add($"line {valueNode.Start.Line}: environment.{name}: secret references need repository secrets, which Builder does not store yet; leave it out");
                else if (valueNode is not YamlScalarNode { Value: { } value })
                    errors.Add($"line {valueNode.Start.Line}: environment.{name} must be a plain value");
                else if (LooksSecret(name) && value.Length > 0)
                    errors.Add($"line {valueNode.Start.Line}: environment.{name} looks like a secret; secrets are never written inline in {DeployManifest.FileName}");
                else if (name is "PORT")
                    errors.Add($"line {keyNode.Start.Line}: environment.PORT is set by Builder; use 'port' instead");
                else
                    environment[name] = value;
            }
        }

        var resources = new ResourceSettings();
        if (reader.Mapping(root, "resources") is { } resourcesNode)
        {
            reader.RefuseUnknown(resourcesNode, ResourceKeys, "resources.");
            resources = new ResourceSettings
            {
                MemoryBytes = reader.Bytes(resourcesNode, "memory", 16L * 1024 * 1024) ?? resources.MemoryBytes,
                MaxProcesses = reader.Integer(resourcesNode, "processes", 1, 4096) ?? resources.MaxProcesses,
            };
        }

        var egress = reader.HostList(root, "egress");

        var target = reader.Text(root, "target") ?? "local";
        if (!Targets.Contains(target))
            reader.Error(root, "target", $"target '{target}' is not one of {string.Join(", ", Targets)}");

        var policy = new HealthPolicy();
        if (reader.Mapping(root, "policy") is { } policyNode)
        {
            reader.RefuseUnknown(policyNode, PolicyKeys, "policy.");
            policy = new HealthPolicy
            {
                SuccessRate = reader.Number(policyNode, "successRate", 0, 100) ?? policy.SuccessRate,
                MaxP99 = reader.Duration(policyNode, "p99", TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1)) ?? policy.MaxP99,
                Interval = reader.Duration(policyNode, "interval", TimeSpan.FromMilliseconds(20), TimeSpan.FromMinutes(5)) ?? policy.Interval,
                Window = reader.Duration(policyNode, "window", TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)) ?? policy.Window,
                KeepPrevious = reader.Duration(policyNode, "keepPrevious", TimeSpan.Zero, TimeSpan.FromDays(1)) ?? policy.KeepPrevious,
                MaxDegradation = reader.Number(policyNode, "maxDegradation", 0, 1000) ?? policy.MaxDegradation,
            };
            if (policy.Interval > policy.Window)
                errors.Add($"line {policyNode.Start.Line}: policy.interval ({policy.Interval.TotalSeconds:0.###} s) is longer than policy.window ({policy.Window.TotalSeconds:0.###} s)");
        }

        var telemetry = new TelemetrySettings();
        if (reader.Mapping(root, "telemetry") is { } telemetryNode)
        {
            reader.RefuseUnknown(telemetryNode, TelemetryKeys, "telemetry.");
            var endpoints = reader.TextList(telemetryNode, "endpoints");
            foreach (var endpoint in endpoints.Where(e => !e.StartsWith('/')))
                reader.Error(telemetryNode, "endpoints", $"telemetry.endpoints: '{endpoint}' must be a path starting with '/'");
            if (endpoints.Count > TelemetrySettings.MaxEndpoints)
                reader.Error(telemetryNode, "endpoints", $"telemetry.endpoints names {endpoints.Count} paths; at most {TelemetrySettings.MaxEndpoints} are probed");
            var metrics = reader.Text(telemetryNode, "metrics");
            if (metrics is not null && !metrics.StartsWith('/'))
                reader.Error(telemetryNode, "metrics", $"telemetry.metrics '{metrics}' must be a path starting with '/'");
            telemetry = new TelemetrySettings { Endpoints = endpoints.Distinct(StringComparer.Ordinal).ToList(), MetricsPath = metrics };
        }

        if (errors.Count > 0)
            throw new DeployManifestException(errors);

        return new DeployManifest
        {
            Service = service!,
            Runtime = runtime!,
            Publish = publish is "none" ? null : publish ?? DefaultPublish(runtime!),
            Start = start!,
            Port = port,
            Health = health,
            Environment = environment,
            Resources = resources,
            Target = target,
            Policy = policy,
            Egress = egress,
            Telemetry = telemetry,
        };
    }

    static bool LooksSecret(string name) =>
        name.Contains("SECRET", StringComparison.OrdinalIgnoreCase) || name.Contains("PASSWORD", StringComparison.OrdinalIgnoreCase)
        || name.Contains("TOKEN", StringComparison.OrdinalIgnoreCase) || name.EndsWith("KEY", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("^[a-z][a-z0-9-]{0,39}$")]
    private static partial Regex ServiceName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();
}
