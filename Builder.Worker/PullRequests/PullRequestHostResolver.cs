using Microsoft.Extensions.Options;

namespace Builder.Worker.PullRequests;

/// <summary>The registered <see cref="IPullRequestHost"/> for a repository, from the configured options.</summary>
public sealed class PullRequestHostResolver(IEnumerable<IPullRequestHost> hosts, IOptions<HostingOptions> options)
{
    /// <summary>Null when the repository's host has no pull-request API Builder knows: deliver a branch only.</summary>
    public IPullRequestHost? Resolve(string repositoryUrl) => PullRequestHosts.Resolve(repositoryUrl, options.Value, hosts);

    /// <inheritdoc cref="PullRequestHosts.Locate"/>
    public RepositoryLocation? Locate(string repositoryUrl) => PullRequestHosts.Locate(repositoryUrl, options.Value);
}
