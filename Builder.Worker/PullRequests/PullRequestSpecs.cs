namespace Builder.Worker.PullRequests;

static class PullRequestSpecs
{
    /// <summary>
    /// Refuses a spec a host would refuse anyway, before any request carries the token, and trims
    /// the token: one pasted from a file often ends with a newline.
    /// </summary>
    public static (PullRequestSpec Spec, RepositoryLocation Location) Check(PullRequestSpec spec, HostingOptions options, string provider)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var (location, token) = CheckTarget(spec.RepositoryUrl, spec.Token, options, provider, "Opening a pull request");
        if (string.IsNullOrWhiteSpace(spec.SourceBranch) || string.IsNullOrWhiteSpace(spec.TargetBranch))
            throw new ArgumentException("The source and target branches are required.", nameof(spec));
        if (spec.SourceBranch == spec.TargetBranch)
            throw new ArgumentException($"The source branch '{spec.SourceBranch}' is the target branch.", nameof(spec));
        if (string.IsNullOrWhiteSpace(spec.Title))
            throw new ArgumentException("The title is required.", nameof(spec));
        return (spec with { Token = token }, location);
    }

    /// <inheritdoc cref="Check(PullRequestSpec, HostingOptions, string)"/>
    public static (CommitStatusSpec Spec, RepositoryLocation Location) Check(CommitStatusSpec spec, HostingOptions options, string provider)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var (location, token) = CheckTarget(spec.RepositoryUrl, spec.Token, options, provider, "Posting a commit status");
        if (spec.CommitSha.Length is < 7 or > 64 || !spec.CommitSha.All(char.IsAsciiHexDigit))
            throw new ArgumentException($"'{spec.CommitSha}' is not a commit id.", nameof(spec));
        if (spec.TargetUrl is not null && !Uri.TryCreate(spec.TargetUrl, UriKind.Absolute, out _))
            throw new ArgumentException($"The status link '{spec.TargetUrl}' is not an absolute URL.", nameof(spec));
        // Hosts cap the description (GitHub at 140 characters).
        var description = spec.Description.Length > 140 ? spec.Description[..139] + "…" : spec.Description;
        return (spec with { Token = token, Description = description }, location);
    }

    static (RepositoryLocation Location, string Token) CheckTarget(string repositoryUrl, string token, HostingOptions options, string provider, string what)
    {
        var location = PullRequestHosts.Locate(repositoryUrl, options);
        if (location is null || location.Provider != provider)
            throw new ArgumentException($"{RepositoryLocation.Redact(repositoryUrl)} is not a {provider} repository.", "spec");
        if (string.IsNullOrWhiteSpace(token))
            throw new PullRequestHostException(provider, $"{what} on {location.Host} needs a token; the repository has none.");
        token = token.Trim();
        // Checked here because HttpClient's own refusal of such a header value quotes the value.
        if (token.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c > '\u007e'))
            throw new PullRequestHostException(provider, $"The token for {location.Host} holds spaces or characters an HTTP header cannot carry.");
        return (location, token);
    }
}
