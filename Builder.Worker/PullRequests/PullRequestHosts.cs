using System.Text.RegularExpressions;

namespace Builder.Worker.PullRequests;

/// <summary>
/// Tells from a repository URL which provider, if any, can open a pull request for it: a known
/// public host (github.com, gitlab.com, bitbucket.org, dev.azure.com, codeberg.org, gitea.com) or a
/// host configured in Builder:Hosting:Hosts for a self-hosted instance; anything else (a local
/// path, file://, an unknown host) → none, and the change is delivered as a branch only.
/// </summary>
public static partial class PullRequestHosts
{
    public const string GitHub = "github";
    public const string GitLab = "gitlab";

    /// <summary>Bitbucket Cloud (bitbucket.org), REST 2.0.</summary>
    public const string Bitbucket = "bitbucket";

    /// <summary>Bitbucket Data Center / Server, REST 1.0.</summary>
    public const string BitbucketServer = "bitbucket-server";

    /// <summary>Gitea and Forgejo (Codeberg), REST v1.</summary>
    public const string Gitea = "gitea";

    /// <summary>Azure DevOps Repos (dev.azure.com and Azure DevOps Server), REST 7.x.</summary>
    public const string AzureDevOps = "azure-devops";

    public static readonly IReadOnlyList<string> Providers = [GitHub, GitLab, Bitbucket, BitbucketServer, Gitea, AzureDevOps];

    static readonly Dictionary<string, string> KnownHosts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["github.com"] = GitHub,
        ["www.github.com"] = GitHub,
        ["gitlab.com"] = GitLab,
        ["www.gitlab.com"] = GitLab,
        ["bitbucket.org"] = Bitbucket,
        ["www.bitbucket.org"] = Bitbucket,
        ["dev.azure.com"] = AzureDevOps,
        ["ssh.dev.azure.com"] = AzureDevOps,
        ["codeberg.org"] = Gitea,
        ["gitea.com"] = Gitea,
    };

    public static bool IsProvider(string? value) => Providers.Contains(value ?? "", StringComparer.OrdinalIgnoreCase);

    /// <summary>The repository's provider, path and API root, or null when no provider serves its host.</summary>
    public static RepositoryLocation? Locate(string? repositoryUrl, HostingOptions options)
    {
        if (string.IsNullOrWhiteSpace(repositoryUrl) || !TryParse(repositoryUrl.Trim(), out var address))
            return null;

        var hostKey = address.Port is { } port ? $"{address.Host}:{port}" : address.Host;
        var provider = Lookup(options.Hosts, address.Host) ?? Lookup(KnownHosts, address.Host)
                       ?? (address.Host.EndsWith(".visualstudio.com", StringComparison.OrdinalIgnoreCase) ? AzureDevOps : null);
        if (provider is null)
            return null;
        provider = provider.ToLowerInvariant();

        var segments = address.Path.Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (segments.Count > 0 && segments[^1].EndsWith(".git", StringComparison.OrdinalIgnoreCase))
            segments[^1] = segments[^1][..^4];
        if (segments.Any(s => s is "" or "." or ".." or "-"))
            return null;
        segments = Normalize(provider, segments, address.Host);
        // Azure DevOps Server serves collections under a virtual folder (/tfs/DefaultCollection/...):
        // the folder belongs to the API root, the last three segments name the repository.
        var prefix = "";
        if (provider == AzureDevOps && segments.Count > 3 && !KnownHosts.ContainsKey(address.Host))
        {
            prefix = string.Join('/', segments[..^3]) + "/";
            segments = segments[^3..];
        }

        // GitHub, Bitbucket and Gitea name a repository owner/name; GitLab nests groups; Azure
        // DevOps names organization/project/repository.
        var shapeFits = provider switch
        {
            GitLab => segments.Count >= 2,
            AzureDevOps => segments.Count == 3,
            _ => segments.Count == 2,
        };
        if (!shapeFits)
            return null;

        var settings = options.For(provider);
        var api = Lookup(settings.ApiUrls, address.Host) ?? settings.ApiUrl ?? DefaultApiUrl(provider, address, hostKey) + prefix;
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

    /// <summary>
    /// The path as the provider's API names the repository. Bitbucket Data Center clones from
    /// /scm/PROJECT/repo; Azure DevOps from /org/project/_git/repo, org@dev.azure.com, the legacy
    /// org.visualstudio.com/project/_git/repo and ssh's v3/org/project/repo.
    /// </summary>
    static List<string> Normalize(string provider, List<string> segments, string host)
    {
        if (provider == BitbucketServer && segments.Count == 3 && segments[0].Equals("scm", StringComparison.OrdinalIgnoreCase))
            return segments[1..];
        if (provider != AzureDevOps)
            return segments;
        if (segments.Count > 0 && segments[0] == "v3")
            segments = segments[1..];
        if (segments.IndexOf("_git") is var git and > 0 && git == segments.Count - 2)
            segments.RemoveAt(git);
        if (host.EndsWith(".visualstudio.com", StringComparison.OrdinalIgnoreCase) && segments.Count == 2)
            segments.Insert(0, host[..host.IndexOf('.')]);
        return segments;
    }

    static string DefaultApiUrl(string provider, Address address, string hostKey) => provider switch
    {
        GitHub when KnownHosts.ContainsKey(address.Host) => "https://api.github.com/",
        GitHub => $"{address.ApiScheme}://{hostKey}/api/v3/",
        Bitbucket => "https://api.bitbucket.org/2.0/",
        BitbucketServer => $"{address.ApiScheme}://{hostKey}/rest/api/1.0/",
        Gitea => $"{address.ApiScheme}://{hostKey}/api/v1/",
        // Requests go to {organization}/{project}/_apis/...; Azure DevOps Server names its collection in ApiUrl.
        AzureDevOps when KnownHosts.ContainsKey(address.Host) || address.Host.EndsWith(".visualstudio.com", StringComparison.OrdinalIgnoreCase)
            => "https://dev.azure.com/",
        _ => $"{address.ApiScheme}://{hostKey}/",
    };

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
