namespace Builder.Worker.PullRequests;

/// <summary>
/// The "Builder:Hosting" section: which hosts have a pull-request API and where it answers.
/// github.com and gitlab.com are known; a self-hosted instance is named in <see cref="Hosts"/>.
/// </summary>
public sealed class HostingOptions
{
    public const string Section = "Builder:Hosting";

    /// <summary>
    /// Host name (without port) → provider for self-hosted instances: "github", "gitlab",
    /// "bitbucket-server", "gitea" (also Forgejo) or "azure-devops".
    /// </summary>
    public Dictionary<string, string> Hosts { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public ProviderOptions GitHub { get; set; } = new();

    public ProviderOptions GitLab { get; set; } = new();

    public ProviderOptions Bitbucket { get; set; } = new();

    public ProviderOptions BitbucketServer { get; set; } = new();

    public ProviderOptions Gitea { get; set; } = new();

    public ProviderOptions AzureDevOps { get; set; } = new();

    /// <summary>The settings of one provider, by its name in <see cref="PullRequestHosts.Providers"/>.</summary>
    public ProviderOptions For(string provider) => provider.ToLowerInvariant() switch
    {
        PullRequestHosts.GitHub => GitHub,
        PullRequestHosts.GitLab => GitLab,
        PullRequestHosts.Bitbucket => Bitbucket,
        PullRequestHosts.BitbucketServer => BitbucketServer,
        PullRequestHosts.Gitea => Gitea,
        PullRequestHosts.AzureDevOps => AzureDevOps,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "not a pull-request provider"),
    };

    /// <summary>How many times one open-or-update is tried when the host fails with 5xx or times out.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The first back-off; each further one doubles, capped at <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>One HTTP request's limit; a request that takes longer counts as a transient failure.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class ProviderOptions
{
    /// <summary>
    /// The API root for every host of this provider that has no entry in <see cref="ApiUrls"/>.
    /// Unset: GitHub uses https://api.github.com/ for github.com and https://HOST/api/v3/ for an
    /// Enterprise host; GitLab uses https://HOST/ (requests go to its api/v4/).
    /// </summary>
    public string? ApiUrl { get; set; }

    /// <summary>Host name → API root, for one host among several of this provider.</summary>
    public Dictionary<string, string> ApiUrls { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
