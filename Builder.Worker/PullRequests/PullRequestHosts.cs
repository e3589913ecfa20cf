using System.Text.RegularExpressions;

namespace Builder.Worker.PullRequests;

/// <summary>
/// Tells from a repository URL which provider, if any, can open a pull request for it:
/// github.com and the hosts configured as "github" → GitHub; gitlab.com and the hosts configured
/// as "gitlab" → GitLab; anything else (a local path, file://, an unknown host) → none, and the
/// change is delivered as a branch only.
/// </summary>
public static partial class PullRequestHosts
{
    public const string GitHub = "github";
    public const string GitLab = "gitlab";

    static readonly Dictionary<string, string> KnownHosts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["github.com"] = GitHub,
        ["www.github.com"] = GitHub,
        ["gitlab.com"] = GitLab,
        ["www.gitlab.com"] = GitLab,
    };

    public static bool IsProvider(string? value) =>
        string.Equals(value, GitHub, StringComparison.OrdinalIgnoreCase) || string.Equals(value, GitLab, StringComparison.OrdinalIgnoreCase);

    /// <summary>The repository's provider, path and API root, or null when no provider serves its host.</summary>
    public static RepositoryLocation? Locate(string? repositoryUrl, HostingOptions options)
    {
        if (string.IsNullOrWhiteSpace(repositoryUrl) || !TryParse(repositoryUrl.Trim(), out var address))
            return null;

        var hostKey = address.Port is { } port ? $"{address.Host}:{port}" : address.Host;
        var provider = Lookup(options.Hosts, address.Host) ?? Lookup(KnownHosts, address.Host);
        if (provider is null)
            return null;
        provider = provider.ToLowerInvariant();

        var segments = address.Path.Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (segments.Count > 0 && segments[^1].EndsWith(".git", StringComparison.OrdinalIgnoreCase))
            segments[^1] = segments[^1][..^4];
        if (segments.Any(s => s is "" or "." or ".." or "-"))
            return null;
        // A GitHub repository is always owner/name; GitLab nests groups.
        var shapeFits = provider == GitHub ? segments.Count == 2 : segments.Count >= 2;
        if (!shapeFits)
            return null;

        var settings = provider == GitHub ? options.GitHub : options.GitLab;
        var api = Lookup(settings.ApiUrls, address.Host) ?? settings.ApiUrl ?? DefaultApiUrl(provider, address, hostKey);
        return new RepositoryLocation(provider, hostKey, string.Join('/', segments), WithTrailingSlash(api));
    }

    /// <summary>The registered host serving the repository, or null for branch-only delivery.</summary>
    public static IPullRequestHost? Resolve(string? repositoryUrl, HostingOptions options, IEnumerable<IPullRequestHost> hosts) =>
        Locate(repositoryUrl, options) is { } location
            ? hosts.FirstOrDefault(h => string.Equals(h.Provider, location.Provider, StringComparison.OrdinalIgnoreCase))
            : null;

    // By name alone, since ':' separates configuration keys and "host:port" cannot be one. Compared
    // here rather than by the map's comparer: the configuration binder may replace the map.
    static string? Lookup(Dictionary<string, string> map, string host) =>
        map.FirstOrDefault(e => string.Equals(e.Key.Trim().TrimEnd('.'), host.TrimEnd('.'), StringComparison.OrdinalIgnoreCase)).Value;

    static string DefaultApiUrl(string provider, Address address, string hostKey)
    {
        if (provider == GitHub && KnownHosts.ContainsKey(address.Host))
            return "https://api.github.com/";
        return provider == GitHub ? $"{address.ApiScheme}://{hostKey}/api/v3/" : $"{address.ApiScheme}://{hostKey}/";
    }

    static Uri WithTrailingSlash(string url) => new(url.EndsWith('/') ? url : url + "/", UriKind.Absolute);

    /// <param name="Port">Only for http(s): an ssh port says nothing about where the API answers.</param>
    sealed record Address(string Host, int? Port, string Path, string ApiScheme);

    static bool TryParse(string url, out Address address)
    {
        address = null!;
        if (url.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
                return false;
            var web = uri.Scheme is "https" or "http";
            if (!web && uri.Scheme is not ("ssh" or "git" or "git+ssh"))
                return false;
            var path = string.Join('/', uri.AbsolutePath.Split('/').Select(Uri.UnescapeDataString));
            address = new Address(uri.IdnHost, web && !uri.IsDefaultPort ? uri.Port : null, path, web ? uri.Scheme : "https");
            return true;
        }

        // scp-like syntax, git@github.com:owner/repo.git; a drive letter (C:\...) is not a host.
        var scp = ScpLike().Match(url);
        if (!scp.Success || scp.Groups["host"].Value.Length < 2)
            return false;
        address = new Address(scp.Groups["host"].Value, null, scp.Groups["path"].Value, "https");
        return true;
    }

    [GeneratedRegex(@"^(?:[^@/\\:]+@)?(?<host>[A-Za-z0-9][A-Za-z0-9.-]*):(?<path>[^/\\][^\\]*)$")]
    private static partial Regex ScpLike();
}
