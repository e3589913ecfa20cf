
namespace Builder.Worker.PullRequests;

public sealed partial class GitLabMergeRequestHost
{
    public Task<CreatedRepository> CreateAsync(NewRepositorySpec spec, CancellationToken ct) =>
        RepositoryCreators.CreateWithRetriesAsync(spec, options.Value, Provider, logger,
            (checkedSpec, location, attempt, token) => CreateOnceAsync(checkedSpec, location, options.Value, attempt, token), ct);

    async Task<CreatedRepository> CreateOnceAsync(NewRepositorySpec spec, RepositoryLocation location, HostingOptions settings, int attempt, CancellationToken ct)
    {
        var call = new Call(this, spec.Token, location, settings, $"the project {spec.Name}");
        long? namespaceId = null;
        string owner;
        if (spec.Owner is { } group)
        {
            var found = await LookUpNamespaceAsync(call, spec, location, ct);
            (namespaceId, owner) = (found.Id, found.FullPath);
        }
        else
        {
            owner = (await call.SendAsync<GitLabUser>(HttpMethod.Get, "api/v4/user", null, ct))!.Username;
        }

        // GitLab answers a taken path with 400 {"message": {"path": ["has already been taken"]}}; the
        // project created by an earlier attempt that timed out is ours, and empty.
        try
        {
            var project = await call.SendAsync<Project>(HttpMethod.Post, "api/v4/projects", new
            {
                name = spec.Name,
                path = spec.Name,
                namespace_id = namespaceId,
                description = spec.Description,
                visibility = spec.Visibility,
                initialize_with_readme = false,
            }, ct);
            return From(project!, adopted: false);
        }
        catch (PullRequestHostException e) when (e.StatusCode == 400 && e.Message.Contains("has already been taken", StringComparison.Ordinal))
        {
            if (attempt > 1 && await call.SendAsync<Project>(HttpMethod.Get, $"api/v4/projects/{Uri.EscapeDataString($"{owner}/{spec.Name}")}", null, ct)
                    is { EmptyRepo: true } earlier)
                return From(earlier, adopted: true);
            throw new PullRequestHostException(Provider, $"GitLab already has a project {location.Host}/{owner}/{spec.Name}; choose another name.", 409);
        }
    }

    async Task<Namespace> LookUpNamespaceAsync(Call call, NewRepositorySpec spec, RepositoryLocation location, CancellationToken ct)
    {
        try
        {
            return (await call.SendAsync<Namespace>(HttpMethod.Get, $"api/v4/namespaces/{Uri.EscapeDataString(spec.Owner!)}", null, ct))!;
        }
        catch (PullRequestHostException e) when (e.StatusCode == 404)
        {
            throw new PullRequestHostException(Provider, $"GitLab has no group or user '{spec.Owner}' the token can see, on {location.Host}: 404", 404);
        }
    }

    CreatedRepository From(Project project, bool adopted) => new(Provider, project.PathWithNamespace, project.HttpUrlToRepo, project.WebUrl, adopted);

    sealed record GitLabUser(string Username);

    sealed record Namespace(long Id, string FullPath);

    sealed record Project(long Id, string PathWithNamespace, string HttpUrlToRepo, string WebUrl, bool EmptyRepo);
}
