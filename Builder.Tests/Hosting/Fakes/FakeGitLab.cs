using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Builder.Tests.Hosting.Fakes;

/// <summary>A merge request as the fake GitLab keeps it.</summary>
/// <param name="Project">The project's full path, "group/sub/repo".</param>
/// <param name="State">"opened", "closed" or "merged".</param>
public sealed record FakeMergeRequest(string Project, long Iid, string SourceBranch, string TargetBranch, string Title, string? Description,
    string State, bool RemoveSourceBranch, string WebUrl);

/// <summary>
/// GitLab's REST API v4 for merge requests: GET/POST /api/v4/projects/:id/merge_requests and
/// GET/PUT /api/v4/projects/:id/merge_requests/:iid, where :id is the URL-encoded project path; and for
/// new projects: GET /api/v4/user, GET /api/v4/namespaces/:id, POST /api/v4/projects, GET /api/v4/projects/:id.
/// Tokens are read from PRIVATE-TOKEN or "Authorization: Bearer X"; errors have GitLab's shape.
/// </summary>
public sealed class FakeGitLab : FakeRestServer
{
    readonly List<FakeMergeRequest> _merges = [];

    FakeGitLab()
    {
    }

    public static async Task<FakeGitLab> StartAsync()
    {
        var fake = new FakeGitLab();
        await fake.ListenAsync();
        return fake;
    }

    /// <summary>The merge requests, named PullRequests like <see cref="FakeGitHub.PullRequests"/> so tests read alike.</summary>
    public IReadOnlyList<FakeMergeRequest> PullRequests
    {
        get { lock (Gate) return [.. _merges]; }
    }

    /// <summary>Configuration that sends merge requests for repositories on <paramref name="host"/> to this fake.</summary>
    public Dictionary<string, string?> ConfigurationFor(string host) => new()
    {
        [$"Builder:Hosting:Hosts:{host}"] = "gitlab",
        [$"Builder:Hosting:GitLab:ApiUrls:{host}"] = Url,
    };

    /// <summary>Adds a merge request as if someone had opened it before the test.</summary>
    public FakeMergeRequest Add(string project, string source, string target, string title, string? description = null, string state = "opened")
    {
        lock (Gate) return Insert(project, source, target, title, description, state, removeSourceBranch: false);
    }

    protected override string NotFoundMessage => "404 Not Found";
    protected override string MissingTokenMessage => "401 Unauthorized";
    protected override string BadTokenMessage => "401 Unauthorized";

    protected override string? TokenOf(HttpRequest request)
    {
        if (request.Headers.TryGetValue("PRIVATE-TOKEN", out var privateToken))
            return privateToken.ToString();
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    protected override Task Error(HttpContext context, HttpStatusCode status, string message) =>
        WriteJson(context, status, new JsonObject { ["message"] = message });

    protected override void MapRoutes(WebApplication app)
    {
        const string merges = "/api/v4/projects/{id}/merge_requests";
        app.MapGet(merges, (HttpContext context, string id) => List(context, Project(id)));
        app.MapPost(merges, (HttpContext context, string id) => Create(context, Project(id)));
        app.MapGet(merges + "/{iid:long}", (HttpContext context, string id, long iid) => Get(context, Project(id), iid));
        app.MapPut(merges + "/{iid:long}", (HttpContext context, string id, long iid) => Update(context, Project(id), iid));
        app.MapPost("/api/v4/projects/{id}/statuses/{sha}", (HttpContext context, string id, string sha) => SetStatus(context, Project(id), sha));
        app.MapGet("/api/v4/user", context => WriteJson(context, HttpStatusCode.OK, new JsonObject { ["id"] = 1, ["username"] = Login }));
        app.MapGet("/api/v4/namespaces/{id}", (HttpContext context, string id) => Groups.Where(g => g.Path == Project(id)).ToList() is [var group]
            ? WriteJson(context, HttpStatusCode.OK, new JsonObject { ["id"] = group.Id, ["kind"] = "group", ["path"] = group.Path.Split('/')[^1], ["full_path"] = group.Path })
            : Error(context, HttpStatusCode.NotFound, "404 Namespace Not Found"));
        app.MapPost("/api/v4/projects", CreateProject);
        app.MapGet("/api/v4/projects/{id}", (HttpContext context, string id) => FindRepository(Project(id)) is { } found
            ? WriteJson(context, HttpStatusCode.OK, ToJson(found))
            : Error(context, HttpStatusCode.NotFound, "404 Project Not Found"));
    }

    /// <summary>The token's user: projects without a namespace_id go to its namespace.</summary>
    public string Login { get; set; } = "builder-bot";

    /// <summary>Groups the token may create projects in, by id and full path.</summary>
    public List<(long Id, string Path)> Groups { get; } = [(7, "platform"), (8, "platform/team")];

    async Task CreateProject(HttpContext context)
    {
        var body = await ReadJsonObject(context);
        var name = (string?)body?["name"];
        var path = (string?)body?["path"] ?? name;
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(path))
        {
            await WriteJson(context, HttpStatusCode.BadRequest, new JsonObject { ["error"] = "name, path are missing, at least one parameter must be provided" });
            return;
        }
        var namespaceId = (long?)body?["namespace_id"];
        var owner = namespaceId is null ? Login : Groups.Where(g => g.Id == namespaceId).Select(g => g.Path).FirstOrDefault();
        if (owner is null)
        {
            await Error(context, HttpStatusCode.NotFound, "404 Namespace Not Found");
            return;
        }
        var created = TryCreateRepository($"{owner}/{path}", (string?)body?["description"], (string?)body?["visibility"] ?? "private", out var failAfter);
        if (created is null)
            await WriteJson(context, HttpStatusCode.BadRequest, new JsonObject
            {
                ["message"] = new JsonObject { ["name"] = new JsonArray("has already been taken"), ["path"] = new JsonArray("has already been taken") },
            });
        else if (failAfter)
            await Error(context, HttpStatusCode.BadGateway, "502 Bad Gateway");
        else
            await WriteJson(context, HttpStatusCode.Created, ToJson(created));
    }

    JsonObject ToJson(FakeRepository project) => new()
    {
        ["id"] = project.Id,
        ["name"] = project.Path.Split('/')[^1],
        ["path"] = project.Path.Split('/')[^1],
        ["path_with_namespace"] = project.Path,
        ["description"] = project.Description,
        ["visibility"] = project.Visibility,
        ["default_branch"] = IsEmpty(project) ? null : "main",
        ["empty_repo"] = IsEmpty(project),
        ["http_url_to_repo"] = CloneUrl(project),
        ["web_url"] = WebUrl(project),
    };

    async Task SetStatus(HttpContext context, string project, string sha)
    {
        var status = AddStatus(project, sha, await ReadJsonObject(context), "state", "name", "target_url", ["pending", "running", "success", "failed", "canceled"]);
        if (status is null)
        {
            await Error(context, HttpStatusCode.BadRequest, "state does not have a valid value");
            return;
        }
        await WriteJson(context, HttpStatusCode.Created, new JsonObject
        {
            ["id"] = Statuses.Count,
            ["sha"] = sha,
            ["status"] = status.State,
            ["name"] = status.Context,
            ["description"] = status.Description,
            ["target_url"] = status.TargetUrl,
        });
    }

    // The id arrives as group%2Frepo: Kestrel leaves an encoded slash encoded so it cannot split the path.
    static string Project(string id) => Uri.UnescapeDataString(id);

    Task List(HttpContext context, string project)
    {
        var query = context.Request.Query;
        var state = query["state"].ToString() is { Length: > 0 } s ? s : "all";
        var source = query["source_branch"].ToString();
        var target = query["target_branch"].ToString();
        JsonNode[] found;
        lock (Gate)
        {
            found = [.. _merges
                .Where(m => m.Project == project)
                .Where(m => state == "all" || m.State == state)
                .Where(m => source.Length == 0 || m.SourceBranch == source)
                .Where(m => target.Length == 0 || m.TargetBranch == target)
                .OrderByDescending(m => m.Iid)
                .Select(ToJson)];
        }
        return WriteJson(context, HttpStatusCode.OK, new JsonArray(found));
    }

    async Task Create(HttpContext context, string project)
    {
        var body = await ReadJsonObject(context);
        var source = (string?)body?["source_branch"];
        var target = (string?)body?["target_branch"];
        var title = (string?)body?["title"];
        var missing = new[] { ("source_branch", source), ("target_branch", target), ("title", title) }.FirstOrDefault(f => string.IsNullOrEmpty(f.Item2)).Item1;
        if (missing is not null)
        {
            await WriteJson(context, HttpStatusCode.BadRequest, new JsonObject { ["error"] = $"{missing} is missing" });
            return;
        }

        FakeMergeRequest? existing = null, created = null;
        lock (Gate)
        {
            existing = _merges.FirstOrDefault(m => m.Project == project && m.SourceBranch == source && m.TargetBranch == target && m.State == "opened");
            if (existing is null)
                created = Insert(project, source!, target!, title!, (string?)body?["description"], "opened", body?["remove_source_branch"]?.GetValue<bool>() == true);
        }
        if (existing is not null)
        {
            await WriteJson(context, HttpStatusCode.Conflict,
                new JsonObject { ["message"] = new JsonArray($"Another open merge request already exists for this source branch: !{existing.Iid}") });
            return;
        }
        await WriteJson(context, HttpStatusCode.Created, ToJson(created!));
    }

    Task Get(HttpContext context, string project, long iid)
    {
        FakeMergeRequest? merge;
        lock (Gate) merge = _merges.FirstOrDefault(m => m.Project == project && m.Iid == iid);
        return merge is null ? Error(context, HttpStatusCode.NotFound, "404 Not found") : WriteJson(context, HttpStatusCode.OK, ToJson(merge));
    }

    async Task Update(HttpContext context, string project, long iid)
    {
        var body = await ReadJsonObject(context);
        FakeMergeRequest? updated = null;
        lock (Gate)
        {
            var index = _merges.FindIndex(m => m.Project == project && m.Iid == iid);
            if (index >= 0)
            {
                var merge = _merges[index];
                var state = (string?)body?["state_event"] switch
                {
                    "close" => "closed",
                    "reopen" => "opened",
                    _ => merge.State,
                };
                updated = merge with
                {
                    Title = (string?)body?["title"] ?? merge.Title,
                    Description = body?.ContainsKey("description") == true ? (string?)body["description"] : merge.Description,
                    TargetBranch = (string?)body?["target_branch"] ?? merge.TargetBranch,
                    State = state,
                };
                _merges[index] = updated;
            }
        }
        if (updated is null)
            await Error(context, HttpStatusCode.NotFound, "404 Not found");
        else
            await WriteJson(context, HttpStatusCode.OK, ToJson(updated));
    }

    FakeMergeRequest Insert(string project, string source, string target, string title, string? description, string state, bool removeSourceBranch)
    {
        var iid = _merges.Where(m => m.Project == project).Select(m => m.Iid).DefaultIfEmpty(0).Max() + 1;
        var merge = new FakeMergeRequest(project, iid, source, target, title, description, state, removeSourceBranch, $"{Url}{project}/-/merge_requests/{iid}");
        _merges.Add(merge);
        return merge;
    }

    static JsonObject ToJson(FakeMergeRequest merge) => new()
    {
        ["id"] = 5000 + merge.Iid,
        ["iid"] = merge.Iid,
        ["project_id"] = 42,
        ["title"] = merge.Title,
        ["description"] = merge.Description,
        ["state"] = merge.State,
        ["source_branch"] = merge.SourceBranch,
        ["target_branch"] = merge.TargetBranch,
        ["force_remove_source_branch"] = merge.RemoveSourceBranch,
        ["draft"] = false,
        ["web_url"] = merge.WebUrl,
        ["created_at"] = "2026-01-01T00:00:00.000Z",
        ["updated_at"] = "2026-01-01T00:00:00.000Z",
    };
}
