using Microsoft.Extensions.Options;

namespace Builder.Worker.PullRequests;

/// <summary>Rejects a misspelt provider or API URL at start rather than at the first delivery.</summary>
public sealed class HostingOptionsValidator : IValidateOptions<HostingOptions>
{
    public ValidateOptionsResult Validate(string? name, HostingOptions options)
    {
        var errors = new List<string>();
        foreach (var (host, provider) in options.Hosts)
        {
            if (string.IsNullOrWhiteSpace(host) || host.Contains('/'))
                errors.Add($"Builder:Hosting:Hosts: '{host}' is not a host name.");
            if (!PullRequestHosts.IsProvider(provider))
                errors.Add($"Builder:Hosting:Hosts:{host} is '{provider}'; expected one of {string.Join(", ", PullRequestHosts.Providers.Select(p => $"'{p}'"))}.");
        }

        CheckProvider("GitHub", options.GitHub, errors);
        CheckProvider("GitLab", options.GitLab, errors);
        CheckProvider("Bitbucket", options.Bitbucket, errors);
        CheckProvider("BitbucketServer", options.BitbucketServer, errors);
        CheckProvider("Gitea", options.Gitea, errors);
        CheckProvider("AzureDevOps", options.AzureDevOps, errors);

        if (options.MaxAttempts is < 1 or > 10)
            errors.Add("Builder:Hosting:MaxAttempts must be between 1 and 10.");
        if (options.RetryDelay < TimeSpan.Zero || options.RetryDelay > TimeSpan.FromMinutes(1))
            errors.Add("Builder:Hosting:RetryDelay must be between 0 and 1 minute.");
        if (options.MaxRetryDelay < options.RetryDelay || options.MaxRetryDelay > TimeSpan.FromMinutes(5))
            errors.Add("Builder:Hosting:MaxRetryDelay must be at least RetryDelay and at most 5 minutes.");
        if (options.RequestTimeout < TimeSpan.FromMilliseconds(10) || options.RequestTimeout > TimeSpan.FromMinutes(10))
            errors.Add("Builder:Hosting:RequestTimeout must be between 10 ms and 10 minutes.");

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    static void CheckProvider(string key, ProviderOptions provider, List<string> errors)
    {
        if (provider.ApiUrl is not null && !IsApiUrl(provider.ApiUrl))
            errors.Add($"Builder:Hosting:{key}:ApiUrl must be an absolute http(s) URL without credentials.");
        foreach (var (host, url) in provider.ApiUrls)
        {
            if (!IsApiUrl(url))
                errors.Add($"Builder:Hosting:{key}:ApiUrls:{host} must be an absolute http(s) URL without credentials.");
        }
    }

    // Credentials belong to the repository, not to configuration that ends up in logs.
    static bool IsApiUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && string.IsNullOrEmpty(uri.UserInfo)
        && string.IsNullOrEmpty(uri.Query);
}
