namespace Builder.Worker.PullRequests;

/// <summary>
/// The "Builder:Hosting" section: which hosts have a pull-request API and where it answers.
/// github.com and gitlab.com are known; a self-hosted instance is named in <see cref="Hosts"/>.
/// </summary>
public sealed class HostingOptions
{
    public const string Section = "Builder:Hosting";

    /// <summary>Host name (without port) → provider ("github" or "gitlab"), for self-hosted instances.</summary>
    public Dictionary<string, string> Hosts { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public ProviderOptions GitHub { get; set; } = new();

    public ProviderOptions GitLab { get; set; } = new();

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
