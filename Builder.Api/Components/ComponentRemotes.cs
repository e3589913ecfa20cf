using System.Text.RegularExpressions;
using Builder.Api.Infrastructure;
using Builder.Core;
using Builder.Core.SourceControl;
using Builder.Worker.PullRequests;
using Microsoft.Extensions.Options;

namespace Builder.Api.Components;

/// <summary>
/// Where a generated component's repository lives: on GitHub or GitLab, created through their APIs
/// with the caller's token (which Builder keeps, encrypted, for the run's pushes and pull requests).
/// </summary>
/// <param name="Owner">The organization (GitHub) or group path (GitLab); absent: the token's own account.</param>
/// <param name="Visibility">private (default), public, or internal (GitLab).</param>
public sealed record ComponentHosting(string? Host, string? Token, string? Owner = null, string? Visibility = null);

/// <summary>A repository to register: its URL and the token its pushes need (null for a local one).</summary>
public sealed record ComponentRemote(string Url, string? Token, string? WebUrl);

/// <summary>Creates a component's repository and gives it its first commit, the filled-in template.</summary>
public sealed partial class ComponentRemotes(Git git, RepositoryCreators creators, IOptions<BuilderOptions> options)
{
    public const int MaxTokenLength = 1000;

    /// <summary>What is wrong with the hosting part of a request, under "hosting.*" field names.</summary>
    public void Validate(ComponentHosting hosting, Validation validation)
    {
        validation.Require("hosting.host", hosting.Host, 253);
        if (hosting.Host is { Length: > 0 } host && !HostName().IsMatch(host))
            validation.Add("hosting.host", $"hosting.host '{host}' must be a host name, optionally with :port (github.com, gitlab.example.com:8443), without a scheme or path.");
        else if (hosting.Host is { Length: > 0 } known && creators.ProviderOf(known) is var provider && !creators.Providers.Contains(provider ?? ""))
            validation.Add("hosting.host", provider is null
                ? $"hosting.host '{known}' is not a git host Builder knows; github.com and gitlab.com are, and a self-hosted one is named in Builder:Hosting:Hosts."
                : $"hosting.host '{known}' is a {provider} host; Builder creates repositories on {string.Join(" and ", creators.Providers)} only.");
        if (hosting.Owner is { } owner && !OwnerPath().IsMatch(owner))
            validation.Add("hosting.owner", $"hosting.owner '{owner}' must be an organization, user or group path (letters, digits, '.', '_', '-', groups separated by '/').");
        validation.Require("hosting.token", hosting.Token, MaxTokenLength);
        validation.Line("hosting.token", hosting.Token);
        if (hosting.Visibility is { } visibility && visibility is not (NewRepositorySpec.Private or NewRepositorySpec.Public or NewRepositorySpec.Internal))
            validation.Add("hosting.visibility", $"hosting.visibility '{visibility}' must be private, public or internal.");
        else if (hosting is { Visibility: NewRepositorySpec.Internal, Host: { Length: > 0 } h } && creators.ProviderOf(h) != PullRequestHosts.GitLab)
            validation.Add("hosting.visibility", "hosting.visibility 'internal' exists on GitLab only.");
    }

    /// <summary>A local bare repository under the data folder, or null when one of that name exists.</summary>
    public async Task<ComponentRemote?> CreateLocalAsync(Guid tenantId, string name, IReadOnlyDictionary<string, string> files, string runtime, CancellationToken cancellationToken)
    {
        var remote = Path.Combine(options.Value.DataDirectory, "components", tenantId.ToString("N"), name + ".git");
        if (Directory.Exists(remote))
            return null;
        Directory.CreateDirectory(remote);
        try
        {
            await git.RunAsync(remote, ["init", "--bare", "--initial-branch=main", "."], cancellationToken);
            await SeedAsync(remote, null, files, runtime, cancellationToken);
        }
        catch
        {
            Directory.Delete(remote, recursive: true);
            throw;
        }
        return new ComponentRemote(remote, null, null);
    }

    /// <summary>
    /// Creates the repository on its host and pushes the seed. Throws <see cref="PullRequestHostException"/>
    /// when the host refuses or fails, and <see cref="SeedFailedException"/> when it was created but the
    /// push failed (the empty repository stays: Builder's token may not be allowed to delete it).
    /// </summary>
    public async Task<ComponentRemote> CreateHostedAsync(ComponentHosting hosting, string name, string description,
        IReadOnlyDictionary<string, string> files, string runtime, CancellationToken cancellationToken)
    {
        var (creator, _) = creators.Resolve(hosting.Host!, hosting.Owner, name)
                           ?? throw new InvalidOperationException($"No creator serves {hosting.Host}; validation lets no such host through.");
        var token = hosting.Token!.Trim();
        var created = await creator.CreateAsync(new NewRepositorySpec(hosting.Host!, hosting.Owner, name, description,
            hosting.Visibility ?? NewRepositorySpec.Private, token), cancellationToken);
        try
        {
            await SeedAsync(created.CloneUrl, token, files, runtime, cancellationToken);
        }
        catch (Exception e) when (e is GitException or IOException)
        {
            throw new SeedFailedException($"{created.WebUrl} was created, but pushing the template to it failed: {e.Message.Replace(token, "[token]", StringComparison.Ordinal)} "
                                          + "Delete it or generate the component under another name.", e);
        }
        return new ComponentRemote(created.CloneUrl, token, created.WebUrl);
    }

    /// <summary>One commit on main: the template, filled in.</summary>
    async Task SeedAsync(string remote, string? token, IReadOnlyDictionary<string, string> files, string runtime, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("builder-component-").FullName;
        try
        {
            foreach (var (path, content) in files)
            {
                var full = Path.Combine(work, path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                await File.WriteAllTextAsync(full, content, cancellationToken);
            }

            await git.RunAsync(work, ["init", "--initial-branch=main", "."], cancellationToken);
            await git.RunAsync(work, ["add", "--all"], cancellationToken);
            await git.RunAsync(work, ["-c", "user.name=Builder", "-c", "user.email=builder@localhost", "commit", "--quiet", "-m",
                $"Seed the service from Builder's {runtime} template"], cancellationToken);
            await git.RunAsync(work, ["push", "--quiet", remote, "main"], cancellationToken, token);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:[0-9]{1,5})?$")]
    private static partial Regex HostName();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}(/[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}){0,19}$")]
    private static partial Regex OwnerPath();
}

/// <summary>The host created the repository, but the template could not be pushed to it.</summary>
public sealed class SeedFailedException(string message, Exception inner) : Exception(message, inner);
