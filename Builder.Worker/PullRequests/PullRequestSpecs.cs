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
        var location = PullRequestHosts.Locate(spec.RepositoryUrl, options);
        if (location is null || location.Provider != provider)
            throw new ArgumentException($"{RepositoryLocation.Redact(spec.RepositoryUrl)} is not a {provider} repository.", nameof(spec));
        if (string.IsNullOrWhiteSpace(spec.Token))
            throw new PullRequestHostException(provider, $"Opening a pull request on {location.Host} needs a token; the repository has none.");
        var token = spec.Token.Trim();
        // Checked here because HttpClient's own refusal of such a header value quotes the value.
        if (token.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c > '\u007e'))
            throw new PullRequestHostException(provider, $"The token for {location.Host} holds spaces or characters an HTTP header cannot carry.");
        if (string.IsNullOrWhiteSpace(spec.SourceBranch) || string.IsNullOrWhiteSpace(spec.TargetBranch))
            throw new ArgumentException("The source and target branches are required.", nameof(spec));
        if (spec.SourceBranch == spec.TargetBranch)
            throw new ArgumentException($"The source branch '{spec.SourceBranch}' is the target branch.", nameof(spec));
        if (string.IsNullOrWhiteSpace(spec.Title))
            throw new ArgumentException("The title is required.", nameof(spec));
        return (spec with { Token = token }, location);
    }
}
