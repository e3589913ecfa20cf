using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Builder.Tests.Hosting.Fakes;

/// <summary>
/// Gitea's (and Forgejo's) REST API v1 for pull requests and commit statuses, under /api/v1:
/// GET/POST /repos/{owner}/{repo}/pulls, PATCH /repos/{owner}/{repo}/pulls/{index},
/// POST /repos/{owner}/{repo}/statuses/{sha}. Tokens come as "Authorization: token X" (or Bearer);
/// errors are {"message", "url"}; a second open pull request for the same branches is a 409.
/// </summary>
public sealed class FakeGitea : FakeRestServer
{
    readonly List<FakePullRequest> _pulls = [];

    FakeGitea()
    {
    }

    public static async Task<FakeGitea> StartAsync()
    {
        var fake = new FakeGitea();
        await fake.ListenAsync();
        return fake;
    }

    public IReadOnlyList<FakePullRequest> PullRequests
    {
        get { lock (Gate) return [.. _pulls]; }
    }

    public Dictionary<string, string?> ConfigurationFor(string host) => new()
    {
        [$"Builder:Hosting:Hosts:{host}"] = "gitea",
        [$"Builder:Hosting:Gitea:ApiUrls:{host}"] = $"{Url}api/v1/",
    };

    public FakePullRequest Add(string repository, string head, string @base, string title, string state = "open")
    {
        lock (Gate) return Insert(repository, head, @base, title, null, state);
    }

    protected override string NotFoundMessage => "The target couldn't be found.";
    protected override string MissingTokenMessage => "token is required";
    protected override string BadTokenMessage => "user does not exist [uid: 0, name: ]";

    protected override string? TokenOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        var space = header.IndexOf(' ');
        return space > 0 && header[..space] is var scheme && (scheme.Equals("token", StringComparison.OrdinalIgnoreCase) || scheme.Equals("bearer", StringComparison.OrdinalIgnoreCase))
            ? header[(space + 1)..].Trim()
            : null;
    }

    protected override Task Error(HttpContext context, HttpStatusCode status, string message) =>
        WriteJson(context, status, new JsonObject { ["message"] = message, ["url"] = $"{Url}api/swagger" });

    protected override void MapRoutes(WebApplication app)
    {
        const string pulls = "/api/v1/repos/{owner}/{repo}/pulls";
        app.MapGet(pulls, (HttpContext context, string owner, string repo) => List(context, $"{owner}/{repo}"));
        app.MapPost(pulls, (HttpContext context, string owner, string repo) => Create(context, $"{owner}/{repo}"));
        app.MapMethods(pulls + "/{index:long}", ["PATCH"], (HttpContext context, string owner, string repo, long index) => Update(context, $"{owner}/{repo}", index));
        app.MapPost("/api/v1/repos/{owner}/{repo}/statuses/{sha}", async (HttpContext context, string owner, string repo, string sha) =>
        {
            var status = AddStatus($"{owner}/{repo}", sha, await ReadJsonObject(context), "state", "context", "target_url", ["pending", "success", "error", "failure", "warning"]);
            if (status is null)
                await Error(context, HttpStatusCode.UnprocessableEntity, "invalid state");
            else
                await WriteJson(context, HttpStatusCode.Created, new JsonObject { ["id"] = Statuses.Count, ["status"] = status.State, ["context"] = status.Context });
        });
    }

    Task List(HttpContext context, string repository)
    {
        var state = context.Request.Query["state"].ToString() is { Length: > 0 } s ? s : "open";
        var limit = int.TryParse(context.Request.Query["limit"], out var l) ? l : 30;
        var page = int.TryParse(context.Request.Query["page"], out var p) ? p : 1;
        JsonNode[] found;
        lock (Gate)
        {
            found = [.. _pulls.Where(x => x.Repository == repository && (state == "all" || x.State == state))
                .OrderByDescending(x => x.Number).Skip((page - 1) * limit).Take(limit).Select(ToJson)];
        }
        return WriteJson(context, HttpStatusCode.OK, new JsonArray(found));
    }

    async Task Create(HttpContext context, string repository)
    {
        var body = await ReadJsonObject(context);
        var (head, @base, title) = ((string?)body?["head"], (string?)body?["base"], (string?)body?["title"]);
        if (string.IsNullOrEmpty(head) || string.IsNullOrEmpty(@base) || string.IsNullOrEmpty(title))
        {
            await Error(context, HttpStatusCode.UnprocessableEntity, "[Head]: Required; [Base]: Required; [Title]: Required");
            return;
        }

        FakePullRequest? created = null, existing;
        lock (Gate)
        {
            existing = _pulls.FirstOrDefault(x => x.Repository == repository && x.Head == head && x.Base == @base && x.State == "open");
            if (existing is null)
                created = Insert(repository, head, @base, title, (string?)body?["body"], "open");
        }
        if (created is null)
            await Error(context, HttpStatusCode.Conflict,
                $"pull request already exists for these targets [id: {existing!.Number}, issue_id: {existing.Number}, head_repo_id: 1, base_repo_id: 1, head_branch: {head}, base_branch: {@base}]");
        else
            await WriteJson(context, HttpStatusCode.Created, ToJson(created));
    }

    async Task Update(HttpContext context, string repository, long index)
    {
        var body = await ReadJsonObject(context);
        FakePullRequest? updated = null;
        lock (Gate)
        {
            var at = _pulls.FindIndex(x => x.Repository == repository && x.Number == index);
            if (at >= 0)
            {
                var pull = _pulls[at];
                updated = pull with
                {
                    Title = (string?)body?["title"] ?? pull.Title,
                    Body = body?.ContainsKey("body") == true ? (string?)body["body"] : pull.Body,
                    State = (string?)body?["state"] ?? pull.State,
                };
                _pulls[at] = updated;
            }
        }
        if (updated is null)
            await Error(context, HttpStatusCode.NotFound, NotFoundMessage);
        else
            await WriteJson(context, HttpStatusCode.Created, ToJson(updated));
    }

    FakePullRequest Insert(string repository, string head, string @base, string title, string? body, string state)
    {
        var number = _pulls.Where(x => x.Repository == repository).Select(x => x.Number).DefaultIfEmpty(0).Max() + 1;
        var pull = new FakePullRequest(repository, number, head, @base, title, body, state, $"{Url}{repository}/pulls/{number}");
        _pulls.Add(pull);
        return pull;
    }

    static JsonObject ToJson(FakePullRequest pull) => new()
    {
        ["id"] = 1000 + pull.Number,
        ["number"] = pull.Number,
        ["state"] = pull.State,
        ["title"] = pull.Title,
        ["body"] = pull.Body,
        ["html_url"] = pull.HtmlUrl,
        ["head"] = new JsonObject { ["ref"] = pull.Head, ["label"] = pull.Head },
        ["base"] = new JsonObject { ["ref"] = pull.Base, ["label"] = pull.Base },
    };
}
