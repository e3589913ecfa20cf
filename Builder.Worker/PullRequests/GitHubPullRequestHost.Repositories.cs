using Octokit;

namespace Builder.Worker.PullRequests;

public sealed partial class GitHubPullRequestHost
{
    public Task<CreatedRepository> CreateAsync(NewRepositorySpec spec, CancellationToken ct) =>
        RepositoryCreators.CreateWithRetriesAsync(spec, options.Value, Provider, logger,
            (checkedSpec, location, attempt, token) => CreateOnceAsync(checkedSpec, location, options.Value, attempt, token), ct);

    async Task<CreatedRepository> CreateOnceAsync(NewRepositorySpec spec, RepositoryLocation location, HostingOptions settings, int attempt, CancellationToken ct)
    {
        var client = CreateClient(location, spec.Token, settings, ct);
        return await GuardCreationAsync(spec, location, settings, ct, async () =>
        {
            // /user/repos for the token's own account, /orgs/{org}/repos for an organization: which one an owner is, only GitHub knows.
            var login = (await Call(client.User.Current(), settings, ct)).Login;
            var owner = spec.Owner ?? login;
            var mine = string.Equals(owner, login, StringComparison.OrdinalIgnoreCase);
            var request = new NewRepository(spec.Name) { Description = spec.Description, Private = spec.Visibility != NewRepositorySpec.Public, AutoInit = false };
            try
            {
                var repository = await Call(mine ? client.Repository.Create(request) : client.Repository.Create(owner, request), settings, ct);
                return From(repository, adopted: false);
            }
            catch (ApiValidationException e) when (AlreadyExists(e))
            {
                // An earlier attempt that timed out may have created it: then it is ours, and empty.
                if (attempt > 1 && await Call(client.Repository.Get(owner, spec.Name), settings, ct) is { Size: 0 } earlier)
                    return From(earlier, adopted: true);
                throw new PullRequestHostException(Provider, $"GitHub already has a repository {location.Host}/{owner}/{spec.Name}; choose another name.", 409);
            }
        });
    }

    CreatedRepository From(Repository repository, bool adopted) =>
        new(Provider, repository.FullName, repository.CloneUrl, repository.HtmlUrl, adopted);

    /// <summary>GitHub's failures in words about creating a repository; the rest as <see cref="GuardAsync"/> says them.</summary>
    async Task<CreatedRepository> GuardCreationAsync(NewRepositorySpec spec, RepositoryLocation location, HostingOptions settings, CancellationToken ct,
        Func<Task<CreatedRepository>> calls)
    {
        try
        {
            return await GuardAsync(location, spec.Token, settings, $"the repository {spec.Name}", ct, calls);
        }
        catch (PullRequestHostException e) when (e.StatusCode is 403 or 404)
        {
            var where = spec.Owner is null ? "the token's account" : $"'{spec.Owner}'";
            var message = e.StatusCode == 404
                ? $"GitHub has no organization {where} the token can see, on {location.Host}: 404"
                : $"GitHub denied the token the creation of a repository in {where} (it needs the repo scope, or the organization's permission to create repositories): 403";
            throw new PullRequestHostException(Provider, message, e.StatusCode);
        }
    }
}
