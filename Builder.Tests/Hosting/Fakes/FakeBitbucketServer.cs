using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Builder.Tests.Hosting.Fakes;

/// <summary>
/// Bitbucket Data Center's REST API 1.0 for pull requests, under /rest/api/1.0:
/// GET/POST /projects/{key}/repos/{slug}/pull-requests, PUT .../pull-requests/{id} (with the
/// version the server holds, else 409), and the build-status API 1.0 (POST
/// /rest/build-status/1.0/commits/{sha}, answering 204). Tokens come as Bearer; errors are
/// {"errors": [{"message", "exceptionName"}]}; a duplicate pull request is a 409
/// DuplicatePullRequestException. State is "OPEN" or "DECLINED".
/// </summary>
public sealed class FakeBitbucketServer : FakeRestServer
{
    readonly List<FakePullRequest> _pulls = [];
    readonly Dictionary<long, int> _versions = [];

    FakeBitbucketServer()
    {
    }

    public static async Task<FakeBitbucketServer> StartAsync()
    {
        var fake = new FakeBitbucketServer();
        await fake.ListenAsync();
        return fake;
    }

    public IReadOnlyList<FakePullRequest> PullRequests
    {
        get { lock (Gate) return [.. _pulls]; }
    }

    public Dictionary<string, string?> ConfigurationFor(string host) => new()
    {
        [$"Builder:Hosting:Hosts:{host}"] = "bitbucket-server",
        [$"Builder:Hosting:BitbucketServer:ApiUrls:{host}"] = $"{Url}rest/api/1.0/",
    };

    public FakePullRequest Add(string repository, string source, string target, string title, string state = "OPEN")
    {
        lock (Gate) return Insert(repository, source, target, title, null, state);
    }

    protected override string NotFoundMessage => "Repository widgets does not exist.";
    protected override string MissingTokenMessage => "Authentication failed. Please check your credentials and try again.";
    protected override string BadTokenMessage => "Authentication failed. Please check your credentials and try again.";

    protected override string? TokenOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    protected override Task Error(HttpContext context, HttpStatusCode status, string message) => WriteJson(context, status, new JsonObject
    {
        ["errors"] = new JsonArray(new JsonObject
        {
            ["context"] = null, ["message"] = message,
            ["exceptionName"] = status == HttpStatusCode.Conflict && message.StartsWith("Only one pull request", StringComparison.Ordinal)
                ? "com.atlassian.bitbucket.pull.DuplicatePullRequestException" : "com.atlassian.bitbucket.ServiceException",
        }),
    });

    protected override void MapRoutes(WebApplication app)
    {
        const string pulls = "/rest/api/1.0/projects/{key}/repos/{slug}/pull-requests";
        app.MapGet(pulls, (HttpContext context, string key, string slug) => List(context, $"{key}/{slug}"));
        app.MapPost(pulls, (HttpContext context, string key, string slug) => Create(context, $"{key}/{slug}"));
        app.MapPut(pulls + "/{id:long}", (HttpContext context, string key, string slug, long id) => Update(context, $"{key}/{slug}", id));
        app.MapPost("/rest/build-status/1.0/commits/{sha}", async (HttpContext context, string sha) =>
        {
            var body = await ReadJsonObject(context);
            // The build-status API is not per repository: the commit alone names it.
            var status = string.IsNullOrEmpty((string?)body?["url"]) ? null
                : AddStatus("", sha, body, "state", "key", "url", ["SUCCESSFUL", "FAILED", "INPROGRESS"]);
            if (status is null)
                await Error(context, HttpStatusCode.BadRequest, "state, key and url are required");
            else
                context.Response.StatusCode = (int)HttpStatusCode.NoContent;
        });
    }

    Task List(HttpContext context, string repository)
    {
        var query = context.Request.Query;
        var state = query["state"].ToString() is { Length: > 0 } s ? s : "OPEN";
        var at = query["at"].ToString();
        JsonNode[] found;
        lock (Gate)
        {
            found = [.. _pulls.Where(p => p.Repository == repository && (state == "ALL" || p.State == state))
                .Where(p => at.Length == 0 || $"refs/heads/{p.Head}" == at).Select(ToJson)];
        }
        return WriteJson(context, HttpStatusCode.OK, new JsonObject { ["size"] = found.Length, ["limit"] = 100, ["isLastPage"] = true, ["values"] = new JsonArray(found), ["start"] = 0 });
    }

    async Task Create(HttpContext context, string repository)
    {
        var body = await ReadJsonObject(context);
        var (from, to, title) = ((string?)body?["fromRef"]?["id"], (string?)body?["toRef"]?["id"], (string?)body?["title"]);
        if (from?.StartsWith("refs/heads/", StringComparison.Ordinal) != true || to?.StartsWith("refs/heads/", StringComparison.Ordinal) != true
            || string.IsNullOrEmpty(title) || (string?)body?["fromRef"]?["repository"]?["project"]?["key"] is null)
        {
            await Error(context, HttpStatusCode.BadRequest, "fromRef and toRef (with their repository) and title are required");
            return;
        }

        var (source, target) = (from["refs/heads/".Length..], to["refs/heads/".Length..]);
        FakePullRequest? created = null;
        lock (Gate)
        {
            if (!_pulls.Any(p => p.Repository == repository && p.Head == source && p.Base == target && p.State == "OPEN"))
                created = Insert(repository, source, target, title, (string?)body?["description"], "OPEN");
        }
        if (created is null)
            await Error(context, HttpStatusCode.Conflict, "Only one pull request may be open for a given source and target branch");
        else
            await WriteJson(context, HttpStatusCode.Created, ToJson(created));
    }

    async Task Update(HttpContext context, string repository, long id)
    {
        var body = await ReadJsonObject(context);
        FakePullRequest? updated = null;
        var stale = false;
        lock (Gate)
        {
            var at = _pulls.FindIndex(p => p.Repository == repository && p.Number == id);
            if (at >= 0 && (int?)body?["version"] != _versions[id])
                stale = true;
            else if (at >= 0)
            {
                var pull = _pulls[at];
                updated = pull with
                {
                    Title = (string?)body?["title"] ?? pull.Title,
                    Body = body?.ContainsKey("description") == true ? (string?)body["description"] : pull.Body,
                };
                _pulls[at] = updated;
                _versions[id]++;
            }
        }
        if (stale)
            await Error(context, HttpStatusCode.Conflict, "You are attempting to modify a pull request based on out-of-date information.");
        else if (updated is null)
            await Error(context, HttpStatusCode.NotFound, $"Pull request {id} does not exist in {repository}.");
        else
            await WriteJson(context, HttpStatusCode.OK, ToJson(updated));
    }

    FakePullRequest Insert(string repository, string source, string target, string title, string? description, string state)
    {
        var id = _pulls.Where(p => p.Repository == repository).Select(p => p.Number).DefaultIfEmpty(0).Max() + 1;
        var pull = new FakePullRequest(repository, id, source, target, title, description, state, $"{Url}projects/{repository.Replace("/", "/repos/")}/pull-requests/{id}/overview");
        _pulls.Add(pull);
        _versions[id] = 0;
        return pull;
    }

    JsonObject ToJson(FakePullRequest pull) => new()
    {
        ["id"] = pull.Number,
        ["version"] = _versions[pull.Number],
        ["title"] = pull.Title,
        ["description"] = pull.Body,
        ["state"] = pull.State,
        ["fromRef"] = new JsonObject { ["id"] = $"refs/heads/{pull.Head}", ["displayId"] = pull.Head },
        ["toRef"] = new JsonObject { ["id"] = $"refs/heads/{pull.Base}", ["displayId"] = pull.Base },
        ["links"] = new JsonObject { ["self"] = new JsonArray(new JsonObject { ["href"] = pull.HtmlUrl }) },
    };
}
