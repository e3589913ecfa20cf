
namespace Builder.Api.Repositories;

/// <summary>Which repository URLs Builder accepts, and what their remote says.</summary>
public static class RepositoryUrl
{
    public static string? Problem(string url)
    {
        url = url.Trim();
        if (url.StartsWith('/'))
            return Directory.Exists(url) ? null : $"'{url}' is not a directory on this machine.";

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return $"'{url}' is not a URL git understands: use an absolute local path, file:///path, or https://host/owner/repo.git.";
        if (uri.Scheme == Uri.UriSchemeFile)
            return Directory.Exists(uri.LocalPath) ? null : $"'{uri.LocalPath}' is not a directory on this machine.";
        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            return $"The scheme '{uri.Scheme}' is not supported: use an absolute local path, file://, or https://.";
        if (!string.IsNullOrEmpty(uri.UserInfo))
            return "The URL contains credentials; pass the token in credentials.token instead, so it is stored encrypted.";
        return null;
    }

    /// <summary>The branch the remote's HEAD points at, or null when it does not say.</summary>
    public static async Task<string?> DefaultBranchAsync(Git git, string url, string? token, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var output = await git.RunAsync(Path.GetTempPath(), ["ls-remote", "--symref", url.Trim(), "HEAD"], timeout.Token, token);
        const string marker = "ref: refs/heads/";
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(marker, StringComparison.Ordinal));
        return line?[marker.Length..].Split('\t')[0];
    }

    /// <summary>Whether the remote has the branch.</summary>
    public static async Task<bool> HasBranchAsync(Git git, string url, string? token, string branch, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var output = await git.RunAsync(Path.GetTempPath(), ["ls-remote", "--heads", url.Trim(), $"refs/heads/{branch.Trim()}"], timeout.Token, token);
        return !string.IsNullOrWhiteSpace(output);
    }
}

public static class BranchNames
{
    /// <summary>The subset of git's ref-name rules that matters for a branch a user types.</summary>
    public static bool IsValid(string name) =>
        name.Length is > 0 and <= 250
        && !name.StartsWith('/') && !name.EndsWith('/') && !name.EndsWith(".lock") && !name.StartsWith('-')
        && !name.Contains("..") && !name.Contains("//") && !name.Contains("@{")
        && Infrastructure.TextInput.ForbiddenInLine(name) is null
        && name.All(c => c > ' ' && c != '~' && c != '^' && c != ':' && c != '?' && c != '*' && c != '[' && c != '\\' && c != 127);
}
