namespace Builder.Worker.PullRequests;

/// <summary>A git host whose API opens pull requests (GitHub, Bitbucket, Gitea, Azure DevOps) or merge requests (GitLab).</summary>
public interface IPullRequestHost
{
    /// <summary>One of <see cref="PullRequestHosts.Providers"/>.</summary>
    string Provider { get; }

    /// <summary>
    /// Opens a request from <see cref="PullRequestSpec.SourceBranch"/> into
    /// <see cref="PullRequestSpec.TargetBranch"/>, or updates the title and body of the one already
    /// open, so a redelivered command never opens a second. Throws
    /// <see cref="PullRequestHostException"/> when the host refuses or keeps failing.
    /// </summary>
    Task<PullRequestInfo> OpenOrUpdateAsync(PullRequestSpec spec, CancellationToken ct);

    /// <summary>
    /// Sets Builder's status on a commit (context <see cref="CommitStatusSpec.Context"/>), where the
    /// host shows it beside the pull request; a later call replaces it. Throws
    /// <see cref="PullRequestHostException"/> when the host refuses or keeps failing.
    /// </summary>
    Task PostStatusAsync(CommitStatusSpec spec, CancellationToken ct);
}

public enum CommitState
{
    Pending,
    Success,
    Failure,
}

/// <param name="TargetUrl">The run's page; null when Builder:PublicUrl is not set.</param>
public sealed record CommitStatusSpec(string RepositoryUrl, string Token, string CommitSha, CommitState State, string Description, string? TargetUrl)
{
    /// <summary>The name the status goes by on every host.</summary>
    public const string Context = "builder";

    public override string ToString() =>
        $"{nameof(CommitStatusSpec)} {{ {RepositoryLocation.Redact(RepositoryUrl)}, {CommitSha}, {State} }}";
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
