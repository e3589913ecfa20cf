using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Builder.Tests.Hosting.Fakes;

/// <summary>
/// Bitbucket Cloud's REST API 2.0 for pull requests and build statuses, under /2.0:
/// GET/POST /repositories/{workspace}/{repo}/pullrequests (state and q filters),
/// PUT .../pullrequests/{id}, POST .../commit/{sha}/statuses/build. Tokens come as Bearer; errors
/// are {"type": "error", "error": {"message"}}; a second open pull request for the same branches is
/// refused with a 400 saying one already exists. State is "OPEN" or "DECLINED".
/// </summary>
public sealed class FakeBitbucket : FakeRestServer
{
    readonly List<FakePullRequest> _pulls = [];

    FakeBitbucket()
    {
    }

    public static async Task<FakeBitbucket> StartAsync()
    {
        var fake = new FakeBitbucket();
        await fake.ListenAsync();
        return fake;
    }

    public IReadOnlyList<FakePullRequest> PullRequests
    {
        get { lock (Gate) return [.. _pulls]; }
    }

    /// <summary>Sends bitbucket.org itself to this fake, as a company proxy or a test would.</summary>
    public Dictionary<string, string?> Configuration() => new() { ["Builder:Hosting:Bitbucket:ApiUrl"] = $"{Url}2.0/" };

    public FakePullRequest Add(string repository, string source, string target, string title, string state = "OPEN")
    {
        lock (Gate) return Insert(repository, source, target, title, null, state);
    }

    protected override string NotFoundMessage => "Repository not found";
    protected override string MissingTokenMessage => "Access token expired or missing";
    protected override string BadTokenMessage => "Token is invalid or not supported for this endpoint.";

    protected override string? TokenOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    protected override Task Error(HttpContext context, HttpStatusCode status, string message) =>
        WriteJson(context, status, new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["message"] = message } });

    protected override void MapRoutes(WebApplication app)
    {
        const string pulls = "/2.0/repositories/{workspace}/{repo}/pullrequests";
        app.MapGet(pulls, (HttpContext context, string workspace, string repo) => List(context, $"{workspace}/{repo}"));
        app.MapPost(pulls, (HttpContext context, string workspace, string repo) => Create(context, $"{workspace}/{repo}"));
        app.MapPut(pulls + "/{id:long}", (HttpContext context, string workspace, string repo, long id) => Update(context, $"{workspace}/{repo}", id));
        app.MapPost("/2.0/repositories/{workspace}/{repo}/commit/{sha}/statuses/build", async (HttpContext context, string workspace, string repo, string sha) =>
        {
            var body = await ReadJsonObject(context);
            var status = string.IsNullOrEmpty((string?)body?["url"]) ? null
                : AddStatus($"{workspace}/{repo}", sha, body, "state", "key", "url", ["SUCCESSFUL", "FAILED", "INPROGRESS", "STOPPED"]);
            if (status is null)
                await Error(context, HttpStatusCode.BadRequest, "key, state and url are required");
            else
                await WriteJson(context, HttpStatusCode.Created, new JsonObject { ["type"] = "commitstatus", ["key"] = status.Context, ["state"] = status.State });
        });
    }

    Task List(HttpContext context, string repository)
    {
        var state = context.Request.Query["state"].ToString() is { Length: > 0 } s ? s : "OPEN";
        // Only the filter Builder sends is understood: source.branch.name="x" AND destination.branch.name="y".
        var q = context.Request.Query["q"].ToString();
        string? Quoted(string field) => q.Split(field + "=\"", 2) is [_, var rest] ? rest[..rest.IndexOf('"')] : null;
        var (source, target) = (Quoted("source.branch.name"), Quoted("destination.branch.name"));
        JsonNode[] found;
        lock (Gate)
        {
            found = [.. _pulls.Where(p => p.Repository == repository && p.State == state)
                .Where(p => source is null || p.Head == source).Where(p => target is null || p.Base == target).Select(ToJson)];
        }
        return WriteJson(context, HttpStatusCode.OK, new JsonObject { ["values"] = new JsonArray(found), ["pagelen"] = 10, ["size"] = found.Length, ["page"] = 1 });
    }

    async Task Create(HttpContext context, string repository)
    {
        var body = await ReadJsonObject(context);
        var (source, target, title) = ((string?)body?["source"]?["branch"]?["name"], (string?)body?["destination"]?["branch"]?["name"], (string?)body?["title"]);
        if (string.IsNullOrEmpty(source) || string.IsNullOrEmpty(target) || string.IsNullOrEmpty(title))
        {
            await Error(context, HttpStatusCode.BadRequest, "title, source.branch.name and destination.branch.name are required");
            return;
        }

        FakePullRequest? created = null;
        lock (Gate)
        {
            if (!_pulls.Any(p => p.Repository == repository && p.Head == source && p.Base == target && p.State == "OPEN"))
                created = Insert(repository, source, target, title, (string?)body?["description"], "OPEN");
        }
        if (created is null)
            await Error(context, HttpStatusCode.BadRequest, $"There is already an open pull request from {source} to {target}.");
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
                };
                _pulls[at] = updated;
            }
        }
        if (updated is null)
            await Error(context, HttpStatusCode.NotFound, "Pull request not found");
        else
            await WriteJson(context, HttpStatusCode.OK, ToJson(updated));
    }

    FakePullRequest Insert(string repository, string source, string target, string title, string? description, string state)
    {
        var id = _pulls.Where(p => p.Repository == repository).Select(p => p.Number).DefaultIfEmpty(0).Max() + 1;
        var pull = new FakePullRequest(repository, id, source, target, title, description, state, $"{Url}{repository}/pull-requests/{id}");
        _pulls.Add(pull);
        return pull;
    }

    static JsonObject ToJson(FakePullRequest pull) => new()
    {
        ["type"] = "pullrequest",
        ["id"] = pull.Number,
        ["title"] = pull.Title,
        ["description"] = pull.Body,
        ["state"] = pull.State,
        ["source"] = new JsonObject { ["branch"] = new JsonObject { ["name"] = pull.Head } },
        ["destination"] = new JsonObject { ["branch"] = new JsonObject { ["name"] = pull.Base } },
        ["links"] = new JsonObject { ["html"] = new JsonObject { ["href"] = pull.HtmlUrl } },
    };
}
