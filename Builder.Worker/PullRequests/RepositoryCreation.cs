using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Builder.Worker.PullRequests;

/// <summary>A repository to create on a git host: empty, so Builder's first push gives it its main branch.</summary>
/// <param name="Host">The host name as a user writes it ("github.com", "git.acme.example:8443").</param>
/// <param name="Owner">The organization (GitHub) or group path (GitLab); null for the token's own account.</param>
/// <param name="Token">Sent only in request headers; never logged nor put in an exception message.</param>
public sealed record NewRepositorySpec(string Host, string? Owner, string Name, string Description, string Visibility, string Token)
{
    public const string Private = "private";
    public const string Public = "public";

    /// <summary>GitLab's third visibility: any signed-in user of the instance.</summary>
    public const string Internal = "internal";

    public override string ToString() => $"{nameof(NewRepositorySpec)} {{ {Host}/{(Owner is null ? "" : Owner + "/")}{Name}, {Visibility} }}";
}

/// <param name="Path">"owner/name" on the host.</param>
/// <param name="CloneUrl">The HTTPS URL git pushes to and Builder registers.</param>
/// <param name="Adopted">True when an earlier attempt of this same creation had made it and this one found it.</param>
public sealed record CreatedRepository(string Provider, string Path, string CloneUrl, string WebUrl, bool Adopted);

/// <summary>A host whose API creates repositories (GitHub, GitLab).</summary>
public interface IRepositoryCreator
{
    string Provider { get; }

    /// <summary>
    /// Creates the repository, retrying transient failures; a retry that finds the repository an
    /// earlier attempt created returns it. Throws <see cref="PullRequestHostException"/> when the host
    /// refuses (a name taken: status 409 in Builder's terms) or keeps failing.
    /// </summary>
    Task<CreatedRepository> CreateAsync(NewRepositorySpec spec, CancellationToken ct);
}

/// <summary>Finds the creator for a host name, from the providers Builder knows and Builder:Hosting:Hosts.</summary>
public sealed class RepositoryCreators(IEnumerable<IRepositoryCreator> creators, IOptions<HostingOptions> options)
{
    public IReadOnlyList<string> Providers => [.. creators.Select(c => c.Provider)];

    /// <summary>The creator and where the new repository will live, or null when no creator serves the host.</summary>
    public (IRepositoryCreator Creator, RepositoryLocation Location)? Resolve(string host, string? owner, string name)
    {
        var location = PullRequestHosts.Locate($"https://{host}/{owner ?? "owner"}/{name}.git", options.Value);
        if (location is null || creators.FirstOrDefault(c => c.Provider == location.Provider) is not { } creator)
            return null;
        return (creator, location with { Path = owner is null ? name : $"{owner}/{name}" });
    }

    /// <summary>What the host is, for a refusal: a provider that cannot create repositories, or none at all.</summary>
    public string? ProviderOf(string host) => PullRequestHosts.Locate($"https://{host}/owner/name.git", options.Value)?.Provider;

    /// <summary>
    /// Checks the spec, then runs one creation attempt after another while the host fails transiently;
    /// each attempt knows its number, so a "name taken" after a lost answer can adopt the earlier one.
    /// </summary>
    internal static async Task<CreatedRepository> CreateWithRetriesAsync(NewRepositorySpec spec, HostingOptions settings, string provider, ILogger logger,
        Func<NewRepositorySpec, RepositoryLocation, int, CancellationToken, Task<CreatedRepository>> attempt, CancellationToken ct)
    {
        (spec, var location) = Check(spec, settings, provider);
        var attempts = 0;
        var created = await HostRetry.RunAsync(settings, logger, location, token => attempt(spec, location, ++attempts, token), ct);
        logger.LogInformation("{Action} {Provider} repository {Repository}", created.Adopted ? "Found the earlier attempt's" : "Created", provider,
            $"{location.Host}/{created.Path}");
        return created;
    }

    /// <summary>Checks the spec before any request carries the token, as <see cref="PullRequestSpecs"/> does for pull requests.</summary>
    internal static (NewRepositorySpec Spec, RepositoryLocation Location) Check(NewRepositorySpec spec, HostingOptions options, string provider)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var location = PullRequestHosts.Locate($"https://{spec.Host}/{spec.Owner ?? "owner"}/{spec.Name}.git", options);
        if (location is null || location.Provider != provider)
            throw new ArgumentException($"{spec.Host} is not a {provider} host.", nameof(spec));
        var token = spec.Token.Trim();
        if (token.Length == 0)
            throw new PullRequestHostException(provider, $"Creating a repository on {location.Host} needs a token.");
        if (token.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c > '\u007e'))
            throw new PullRequestHostException(provider, $"The token for {location.Host} holds spaces or characters an HTTP header cannot carry.");
        return (spec with { Token = token }, location with { Path = spec.Owner is null ? spec.Name : $"{spec.Owner}/{spec.Name}" });
    }
}
