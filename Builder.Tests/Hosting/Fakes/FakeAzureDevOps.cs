using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Builder.Tests.Hosting.Fakes;

/// <summary>
/// Azure DevOps Repos' REST API 7.1 for pull requests and commit statuses:
/// GET/POST /{org}/{project}/_apis/git/repositories/{repo}/pullrequests, PATCH .../pullrequests/{id},
/// POST .../repositories/{repo}/commits/{sha}/statuses, each with api-version. A personal access
/// token comes as the password of Basic authentication; errors are {"message", "typeKey"}; a second
/// active pull request for the same branches is a 409 TF401179. Pull requests are kept with
/// Repository "org/project/repo", branches without "refs/heads/" and State "active" or "abandoned".
/// </summary>
public sealed class FakeAzureDevOps : FakeRestServer
{
    readonly List<FakePullRequest> _pulls = [];

    FakeAzureDevOps()
    {
    }

    public static async Task<FakeAzureDevOps> StartAsync()
    {
        var fake = new FakeAzureDevOps();
        await fake.ListenAsync();
        return fake;
    }

    public IReadOnlyList<FakePullRequest> PullRequests
    {
        get { lock (Gate) return [.. _pulls]; }
    }

    public Dictionary<string, string?> ConfigurationFor(string host) => new()
    {
        [$"Builder:Hosting:Hosts:{host}"] = "azure-devops",
        [$"Builder:Hosting:AzureDevOps:ApiUrls:{host}"] = Url,
    };

    public FakePullRequest Add(string repository, string source, string target, string title, string state = "active")
    {
        lock (Gate) return Insert(repository, source, target, title, null, state);
    }

    protected override string NotFoundMessage => "TF401019: The Git repository with name or identifier widgets does not exist or you do not have permissions for the operation you are attempting.";
    protected override string MissingTokenMessage => "TF400813: The user '' is not authorized to access this resource.";
    protected override string BadTokenMessage => "TF400813: The user 'anonymous' is not authorized to access this resource.";

    protected override string? TokenOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            return null;
        try
        {
            var pair = Encoding.ASCII.GetString(Convert.FromBase64String(header[6..].Trim()));
            return pair[(pair.IndexOf(':') + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    protected override Task Error(HttpContext context, HttpStatusCode status, string message) => WriteJson(context, status, new JsonObject
    {
        ["$id"] = "1", ["innerException"] = null, ["message"] = message, ["typeKey"] = status == HttpStatusCode.Conflict ? "GitPullRequestExistsException" : "VssServiceException",
        ["errorCode"] = 0, ["eventId"] = 3000,
    });

    protected override void MapRoutes(WebApplication app)
    {
        const string repository = "/{org}/{project}/_apis/git/repositories/{repo}";
        app.MapGet(repository + "/pullrequests", (HttpContext context, string org, string project, string repo) =>
            Versioned(context, () => List(context, $"{org}/{project}/{repo}")));
        app.MapPost(repository + "/pullrequests", (HttpContext context, string org, string project, string repo) =>
            Versioned(context, () => Create(context, $"{org}/{project}/{repo}")));
        app.MapMethods(repository + "/pullrequests/{id:long}", ["PATCH"], (HttpContext context, string org, string project, string repo, long id) =>
            Versioned(context, () => Update(context, $"{org}/{project}/{repo}", id)));
        app.MapPost(repository + "/commits/{sha}/statuses", (HttpContext context, string org, string project, string repo, string sha) =>
            Versioned(context, async () =>
            {
                var body = await ReadJsonObject(context);
                var flat = new JsonObject
                {
                    ["state"] = (string?)body?["state"], ["context"] = (string?)body?["context"]?["name"],
                    ["description"] = (string?)body?["description"], ["targetUrl"] = (string?)body?["targetUrl"],
                };
                var status = AddStatus($"{org}/{project}/{repo}", sha, flat, "state", "context", "targetUrl", ["notSet", "pending", "succeeded", "failed", "error", "notApplicable"]);
                if (status is null)
                    await Error(context, HttpStatusCode.BadRequest, "The status is not valid.");
                else
                    await WriteJson(context, HttpStatusCode.Created, new JsonObject { ["id"] = Statuses.Count, ["state"] = status.State });
            }));
    }

    Task Versioned(HttpContext context, Func<Task> next) =>
        context.Request.Query["api-version"].ToString() is { Length: > 0 }
            ? next()
            : Error(context, HttpStatusCode.BadRequest, "No api-version was supplied for the \"POST\" request. The version must be supplied either as part of the Accept header or as a query string parameter.");

    Task List(HttpContext context, string repository)
    {
        var query = context.Request.Query;
        var status = query["searchCriteria.status"].ToString() is { Length: > 0 } s ? s : "active";
        var source = Branch(query["searchCriteria.sourceRefName"].ToString());
        var target = Branch(query["searchCriteria.targetRefName"].ToString());
        JsonNode[] found;
        lock (Gate)
        {
            found = [.. _pulls.Where(p => p.Repository == repository && (status == "all" || p.State == status))
                .Where(p => source.Length == 0 || p.Head == source).Where(p => target.Length == 0 || p.Base == target)
                .OrderByDescending(p => p.Number).Select(ToJson)];
        }
        return WriteJson(context, HttpStatusCode.OK, new JsonObject { ["value"] = new JsonArray(found), ["count"] = found.Length });
    }

    async Task Create(HttpContext context, string repository)
    {
        var body = await ReadJsonObject(context);
        var (source, target, title) = (Branch((string?)body?["sourceRefName"] ?? ""), Branch((string?)body?["targetRefName"] ?? ""), (string?)body?["title"]);
        if (source.Length == 0 || target.Length == 0 || string.IsNullOrEmpty(title))
        {
            await Error(context, HttpStatusCode.BadRequest, "TF401398: The pull request cannot be created: sourceRefName, targetRefName and title are required.");
            return;
        }

        FakePullRequest? created = null;
        lock (Gate)
        {
            if (!_pulls.Any(p => p.Repository == repository && p.Head == source && p.Base == target && p.State == "active"))
                created = Insert(repository, source, target, title, (string?)body?["description"], "active");
        }
        if (created is null)
            await Error(context, HttpStatusCode.Conflict, "TF401179: An active pull request for the source and target branch already exists.");
        else
            await WriteJson(context, HttpStatusCode.Created, ToJson(created));
    }

    async Task Update(HttpContext context, string repository, long id)
    {
        var body = await ReadJsonObject(context);
        FakePullRequest? updated = null;
        lock (Gate)
        {
            var at = _pulls.FindIndex(p => p.Repository == repository && p.Number == id);
            if (at >= 0)
            {
                var pull = _pulls[at];
                updated = pull with
                {
                    Title = (string?)body?["title"] ?? pull.Title,
                    Body = body?.ContainsKey("description") == true ? (string?)body["description"] : pull.Body,
                    State = (string?)body?["status"] ?? pull.State,
                };
                _pulls[at] = updated;
            }
        }
        if (updated is null)
            await Error(context, HttpStatusCode.NotFound, $"TF401180: The requested pull request was not found.");
        else
            await WriteJson(context, HttpStatusCode.OK, ToJson(updated));
    }

    static string Branch(string reference) => reference.StartsWith("refs/heads/", StringComparison.Ordinal) ? reference["refs/heads/".Length..] : reference;

    FakePullRequest Insert(string repository, string source, string target, string title, string? description, string state)
    {
        var id = _pulls.Select(p => p.Number).DefaultIfEmpty(0).Max() + 1;
        var parts = repository.Split('/');
        var pull = new FakePullRequest(repository, id, source, target, title, description, state, $"{Url}{parts[0]}/{parts[1]}/_git/{parts[2]}/pullrequest/{id}");
        _pulls.Add(pull);
        return pull;
    }

    JsonObject ToJson(FakePullRequest pull) => new()
    {
        ["pullRequestId"] = pull.Number,
        ["status"] = pull.State,
        ["title"] = pull.Title,
        ["description"] = pull.Body,
        ["sourceRefName"] = $"refs/heads/{pull.Head}",
        ["targetRefName"] = $"refs/heads/{pull.Base}",
        ["url"] = $"{Url}{pull.Repository.Split('/')[0]}/_apis/git/repositories/{pull.Repository.Split('/')[2]}/pullRequests/{pull.Number}",
    };
}
