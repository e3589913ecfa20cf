namespace Builder.Worker.PullRequests;

/// <summary>Where a repository lives on a host with a pull-request API.</summary>
/// <param name="Host">The host name, with ":port" when the URL names one.</param>
/// <param name="Path">The repository's path on the host: "owner/repo" on GitHub, "group/sub/repo" on GitLab; no ".git".</param>
/// <param name="ApiUrl">The API root requests are resolved against; always ends with '/'.</param>
public sealed record RepositoryLocation(string Provider, string Host, string Path, Uri ApiUrl)
{
    /// <summary>The first segment of <see cref="Path"/>: GitHub's owner.</summary>
    public string Owner => Path[..Path.IndexOf('/')];

    /// <summary>The last segment of <see cref="Path"/>: the repository's name.</summary>
    public string Name => Path[(Path.LastIndexOf('/') + 1)..];

    /// <summary>For messages: host and path, never credentials.</summary>
    public override string ToString() => $"{Host}/{Path}";

    /// <summary>A repository URL as it may appear in a message: user and password (a token) removed.</summary>
    public static string Redact(string repositoryUrl)
    {
        if (Uri.TryCreate(repositoryUrl, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.UserInfo))
            return repositoryUrl.Replace(uri.UserInfo + "@", "", StringComparison.Ordinal);
        return repositoryUrl;
    }
}
