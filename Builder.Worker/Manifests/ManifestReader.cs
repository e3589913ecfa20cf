using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Builder.Worker.Manifests;

/// <summary>
/// Typed reads of a YAML manifest through YamlDotNet's node model, so that every error names the line
/// of the value it is about and unknown keys are refused, not ignored. Errors are collected, not
/// thrown: the manifest's author sees all of them at once.
/// </summary>
public sealed partial class ManifestReader(List<string> errors)
{
    /// <summary>The document's top mapping, or null with the error that says why there is none.</summary>
    public static YamlMappingNode? Load(string yaml, string expected, out string? error)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            error = $"line {ex.Start.Line}: {ex.Message.Split('\n')[0].Trim()}";
            return null;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            error = $"line 1: expected a mapping of settings ({expected})";
            return null;
        }

        error = null;
        return root;
    }

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

    /// <summary>A sequence of plain text values (commands, package names, paths).</summary>
    public List<string> TextList(YamlMappingNode parent, string key)
    {
        var values = new List<string>();
        switch (Child(parent, key))
        {
            case null or YamlScalarNode { Value: null or "" }:
                break;
            case YamlSequenceNode sequence:
                foreach (var item in sequence.Children)
                {
                    if (item is YamlScalarNode { Value: { Length: > 0 } value })
                        values.Add(value.Trim());
                    else
                        Error(item, $"{key}: each entry must be a single value");
                }
                break;
            case var other:
                Error(other, $"{key} must be a list");
                break;
        }

        return values;
    }

    /// <summary>A mapping of names to plain values, in the manifest's order.</summary>
    public List<(YamlScalarNode Key, string Value)> TextMap(YamlMappingNode parent, string key)
    {
        var values = new List<(YamlScalarNode, string)>();
        if (Mapping(parent, key) is not { } mapping)
            return values;
        foreach (var (name, value) in mapping.Children)
        {
            if (name is YamlScalarNode { Value: { Length: > 0 } } scalar && value is YamlScalarNode { Value: { } text })
                values.Add((scalar, text.Trim()));
            else
                Error(value, $"{key}.{(name as YamlScalarNode)?.Value}: must be a plain value");
        }

        return values;
    }

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)\s*(?<u>ms|s|m|h)?$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^(?<n>\d+)\s*(?<u>Ki|Mi|Gi|K|M|G)?$")]
    private static partial Regex BytesPattern();
}
