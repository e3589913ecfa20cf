namespace Builder.Worker.PullRequests;

/// <summary>A git host whose API opens pull requests (GitHub) or merge requests (GitLab).</summary>
public interface IPullRequestHost
{
    /// <summary><see cref="PullRequestHosts.GitHub"/> or <see cref="PullRequestHosts.GitLab"/>.</summary>
    string Provider { get; }

    /// <summary>
    /// Opens a request from <see cref="PullRequestSpec.SourceBranch"/> into
    /// <see cref="PullRequestSpec.TargetBranch"/>, or updates the title and body of the one already
    /// open, so a redelivered command never opens a second. Throws
    /// <see cref="PullRequestHostException"/> when the host refuses or keeps failing.
    /// </summary>
    Task<PullRequestInfo> OpenOrUpdateAsync(PullRequestSpec spec, CancellationToken ct);
}

/// <param name="Token">Sent only in a request header; never logged nor put in an exception message.</param>
public sealed record PullRequestSpec(string RepositoryUrl, string Token, string SourceBranch, string TargetBranch, string Title, string Body)
{
    // The token stays out of ToString so a logged spec cannot leak it.
    public override string ToString() =>
        $"{nameof(PullRequestSpec)} {{ {RepositoryLocation.Redact(RepositoryUrl)}, {SourceBranch} -> {TargetBranch}, {Title} }}";
}

/// <param name="Number">GitHub's pull request number or GitLab's merge request iid.</param>
/// <param name="Url">The page a person opens.</param>
/// <param name="Created">True when this call opened it, false when it updated an open one.</param>
public sealed record PullRequestInfo(string Provider, long Number, string Url, bool Created);
