using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Builder.Worker.Deployment;

/// <summary>
/// Reads builder.yaml through YamlDotNet's node model rather than a typed deserializer, so every
/// error can name the line of the value it is about, and unknown keys are refused, not ignored.
/// </summary>
public static partial class DeployManifestParser
{
    public static readonly IReadOnlyList<string> Runtimes = ["dotnet", "node", "python", "go", "command"];
    public static readonly IReadOnlyList<string> Targets = ["local", "docker", "kubernetes"];

    static readonly string[] TopLevelKeys = ["service", "runtime", "publish", "start", "port", "health", "environment", "resources", "target", "policy", "egress"];
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
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new DeployManifestException([$"line {ex.Start.Line}: {FirstLine(ex.Message)}"]);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new DeployManifestException(["line 1: expected a mapping of settings (service, runtime, start, ...)"]);

        var reader = new Reader(errors);
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
        };
    }

    static bool LooksSecret(string name) =>
        name.Contains("SECRET", StringComparison.OrdinalIgnoreCase) || name.Contains("PASSWORD", StringComparison.OrdinalIgnoreCase)
        || name.Contains("TOKEN", StringComparison.OrdinalIgnoreCase) || name.EndsWith("KEY", StringComparison.OrdinalIgnoreCase);

    static string FirstLine(string message) => message.Split('\n')[0].Trim();

    [GeneratedRegex("^[a-z][a-z0-9-]{0,39}$")]
    private static partial Regex ServiceName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)\s*(?<u>ms|s|m|h)?$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^(?<n>\d+)\s*(?<u>Ki|Mi|Gi|K|M|G)?$")]
    private static partial Regex BytesPattern();

    /// <summary>Typed reads of one mapping that add an error naming the line instead of throwing.</summary>
    sealed class Reader(List<string> errors)
    {
        public void Error(YamlNode node, string message) => errors.Add($"line {node.Start.Line}: {message}");

        public void Error(YamlMappingNode parent, string key, string message) =>
            Error(Child(parent, key) ?? parent, message);

        public void RefuseUnknown(YamlMappingNode node, string[] known, string prefix)
        {
            foreach (var key in node.Children.Keys)
            {
                var name = (key as YamlScalarNode)?.Value ?? "?";
                if (!known.Contains(name))
                    Error(key, $"unknown setting '{prefix}{name}' (known: {string.Join(", ", known)})");
            }
        }

        static YamlNode? Child(YamlMappingNode parent, string key) =>
            parent.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

        public YamlScalarNode? Scalar(YamlMappingNode parent, string key)
        {
            switch (Child(parent, key))
            {
                case null:
                    return null;
                case YamlScalarNode scalar:
                    return scalar;
                case var other:
                    Error(other, $"{key} must be a single value");
                    return null;
            }
        }

        /// <summary>A sequence of names, each one of <paramref name="known"/>.</summary>
        public List<string> NameList(YamlMappingNode parent, string key, IReadOnlyList<string> known)
        {
            var names = new List<string>();
            switch (Child(parent, key))
            {
                case null or YamlScalarNode { Value: null or "" }:
                    break;
                case YamlSequenceNode sequence:
                    foreach (var item in sequence.Children)
                    {
                        if (item is YamlScalarNode { Value: { Length: > 0 } value } && known.Contains(value.Trim()))
                            names.Add(value.Trim());
                        else
                            Error(item, $"{key}: '{(item as YamlScalarNode)?.Value}' is not one of {string.Join(", ", known)}");
                    }
                    break;
                case var other:
                    Error(other, $"{key} must be a list, e.g. [{string.Join(", ", known)}]");
                    break;
            }

            return names.Distinct().ToList();
        }

        /// <summary>A sequence of egress host patterns ("host", "host:port", "*.domain"), each checked.</summary>
        public List<string> HostList(YamlMappingNode parent, string key)
        {
            var hosts = new List<string>();
            switch (Child(parent, key))
            {
                case null or YamlScalarNode { Value: null or "" }:
                    break;
                case YamlSequenceNode sequence:
                    foreach (var item in sequence.Children)
                    {
                        if (item is not YamlScalarNode { Value: { Length: > 0 } value })
                            Error(item, $"{key}: each entry must be a host name, e.g. api.example.com or *.example.com:8443");
                        else if (Builder.Core.Policy.EgressPolicy.Problem(value.Trim().ToLowerInvariant()) is { } problem)
                            Error(item, $"{key}: {problem}");
                        else
                            hosts.Add(value.Trim().ToLowerInvariant());
                    }
                    break;
                case var other:
                    Error(other, $"{key} must be a list of host names, e.g. [api.example.com]");
                    break;
            }

            return hosts;
        }

        public YamlMappingNode? Mapping(YamlMappingNode parent, string key)
        {
            switch (Child(parent, key))
            {
                case null:
                    return null;
                case YamlMappingNode mapping:
                    return mapping;
                case YamlScalarNode { Value: null or "" }:
                    return null;
                case var other:
                    Error(other, $"{key} must be a mapping of settings");
                    return null;
            }
        }

        public string? Text(YamlMappingNode parent, string key, bool required = false)
        {
            var node = Scalar(parent, key);
            if (node is { Value: { Length: > 0 } value })
                return value.Trim();
            if (required)
                Error(node ?? (YamlNode)parent, $"{key} is required");
            return null;
        }

        public int? Integer(YamlMappingNode parent, string key, int min, int max)
        {
            if (Scalar(parent, key) is not { } node)
                return null;
            if (int.TryParse(node.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
                return value;
            Error(node, $"{key} '{node.Value}' must be a whole number from {min} to {max}");
            return null;
        }

        public double? Number(YamlMappingNode parent, string key, double min, double max)
        {
            if (Scalar(parent, key) is not { } node)
                return null;
            var text = node.Value?.TrimEnd('%').Trim();
            if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
                return value;
            Error(node, $"{key} '{node.Value}' must be a number from {min} to {max}");
            return null;
        }

        /// <summary>"500ms", "5s", "2m", "1h", or a bare number of seconds.</summary>
        public TimeSpan? Duration(YamlMappingNode parent, string key, TimeSpan min, TimeSpan max)
        {
            if (Scalar(parent, key) is not { } node)
                return null;
            var match = DurationPattern().Match(node.Value?.Trim() ?? "");
            if (match.Success)
            {
                var n = double.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
                var value = match.Groups["u"].Value switch
                {
                    "ms" => TimeSpan.FromMilliseconds(n),
                    "m" => TimeSpan.FromMinutes(n),
                    "h" => TimeSpan.FromHours(n),
                    _ => TimeSpan.FromSeconds(n),
                };
                if (value >= min && value <= max)
                    return value;
            }

            Error(node, $"{key} '{node.Value}' must be a duration like 500ms, 5s or 2m, from {Describe(min)} to {Describe(max)}");
            return null;
        }

        /// <summary>"256Mi", "1G", or a bare number of bytes.</summary>
        public long? Bytes(YamlMappingNode parent, string key, long min)
        {
            if (Scalar(parent, key) is not { } node)
                return null;
            var match = BytesPattern().Match(node.Value?.Trim() ?? "");
            if (match.Success && long.TryParse(match.Groups["n"].Value, CultureInfo.InvariantCulture, out var n))
            {
                var value = n * match.Groups["u"].Value switch
                {
                    "Ki" => 1024L,
                    "Mi" => 1024L * 1024,
                    "Gi" => 1024L * 1024 * 1024,
                    "K" => 1000L,
                    "M" => 1000L * 1000,
                    "G" => 1000L * 1000 * 1000,
                    _ => 1L,
                };
                if (value >= min)
                    return value;
            }

            Error(node, $"{key} '{node.Value}' must be a size like 256Mi or 1Gi, at least 16Mi");
            return null;
        }

        static string Describe(TimeSpan value) =>
            value < TimeSpan.FromSeconds(1) ? $"{value.TotalMilliseconds:0}ms" : value < TimeSpan.FromMinutes(1) ? $"{value.TotalSeconds:0}s" : $"{value.TotalMinutes:0}m";
    }
}
