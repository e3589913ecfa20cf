using System.Globalization;
using System.Text.RegularExpressions;

namespace Builder.Core.Policy;

/// <summary>
/// The hosts a sandboxed command may reach through Builder's egress proxy. A pattern is a host
/// name or address, or "*.domain" for every host under a domain, with an optional ":port"; without
/// a port it allows 443 and 80 only.
/// </summary>
public sealed partial class EgressPolicy
{
    /// <summary>The package registries each toolchain's restore needs, and nothing else.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Registries = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
    {
        // NuGet checks the certificates of package signatures and their timestamps for revocation,
        // against the certificate authorities' CRL and OCSP hosts.
        ["dotnet"] = ["api.nuget.org", "*.nuget.org", "*.digicert.com", "*.symcb.com", "*.symcd.com", "*.symantec.com",
            "*.globalsign.com", "*.sectigo.com", "*.usertrust.com", "crl.microsoft.com", "oneocsp.microsoft.com"],
        ["node"] = ["registry.npmjs.org", "registry.yarnpkg.com"],
        ["python"] = ["pypi.org", "files.pythonhosted.org"],
        ["go"] = ["proxy.golang.org", "sum.golang.org"],
        ["make"] = [],
    };

    readonly List<(string Host, bool Subdomains, int? Port)> _rules = [];

    public IReadOnlyList<string> Patterns { get; }

    public EgressPolicy(IEnumerable<string> patterns)
    {
        Patterns = patterns.Select(p => p.Trim().ToLowerInvariant()).Where(p => p.Length > 0).Distinct().ToList();
        foreach (var pattern in Patterns)
        {
            if (Problem(pattern) is { } problem)
                throw new ArgumentException(problem, nameof(patterns));
            var (host, port) = Split(pattern);
            _rules.Add(host.StartsWith("*.", StringComparison.Ordinal) ? (host[1..], true, port) : (host, false, port));
        }
    }

    /// <summary>The registries of <paramref name="toolchain"/> (all of them when it is unknown) plus the extra patterns.</summary>
    public static EgressPolicy For(string? toolchain, IEnumerable<string> extra) =>
        new((toolchain is not null && Registries.TryGetValue(toolchain, out var registries) ? registries : Registries.Values.SelectMany(r => r))
            .Concat(extra));

    public bool Allows(string host, int port)
    {
        host = host.Trim().TrimEnd('.').ToLowerInvariant();
        foreach (var (ruleHost, subdomains, rulePort) in _rules)
        {
            var hostMatches = subdomains ? host.EndsWith(ruleHost, StringComparison.Ordinal) : host == ruleHost;
            if (hostMatches && (rulePort is { } p ? p == port : port is 443 or 80))
                return true;
        }

        return false;
    }

    /// <summary>Why <paramref name="pattern"/> is not an egress pattern, or null when it is one.</summary>
    public static string? Problem(string pattern)
    {
        if (pattern.Contains("://", StringComparison.Ordinal) || pattern.Contains('/'))
            return $"'{pattern}' is a URL or a path; give the host alone, with a port if it is not 443 or 80 (e.g. nuget.example.com:8443).";
        var (host, port) = Split(pattern.Trim().ToLowerInvariant());
        if (port is < 1 or > 65535 || (pattern.Contains(':') && port is null))
            return $"'{pattern}' has no valid port: write host or host:port with a port from 1 to 65535.";
        if (host == "*" || host.Length > 253 || !HostPattern().IsMatch(host))
            return $"'{pattern}' is not a host name, an IP address or *.domain.";
        return null;
    }

    static (string Host, int? Port) Split(string pattern)
    {
        var colon = pattern.LastIndexOf(':');
        if (colon < 0)
            return (pattern, null);
        return int.TryParse(pattern[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? (pattern[..colon], port)
            : (pattern[..colon], null);
    }

    [GeneratedRegex(@"^(\*\.)?([a-z0-9]([a-z0-9\-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9\-]{0,61}[a-z0-9])?)*$")]
    private static partial Regex HostPattern();
}
