using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Builder.Tests.Hosting.Fakes;

/// <summary>A pull request as the fake GitHub keeps it.</summary>
/// <param name="Repository">"owner/repo".</param>
/// <param name="Head">The head branch's name, without "owner:".</param>
/// <param name="State">"open" or "closed".</param>
public sealed record FakePullRequest(string Repository, long Number, string Head, string Base, string Title, string? Body, string State, string HtmlUrl);

/// <summary>
/// GitHub's REST API for pull requests, as much as Octokit uses to list, create and update them:
/// GET/POST /repos/{owner}/{repo}/pulls, GET/PATCH /repos/{owner}/{repo}/pulls/{number}; and for
/// new repositories: GET /user, POST /user/repos, POST /orgs/{org}/repos, GET /repos/{owner}/{repo}. Tokens
/// are read from "Authorization: token X" or "Bearer X"; errors have GitHub's shape.
/// </summary>
public sealed class FakeGitHub : FakeRestServer
{
    readonly List<FakePullRequest> _pulls = [];

    FakeGitHub()
    {
    }

    public static async Task<FakeGitHub> StartAsync()
    {
        var fake = new FakeGitHub();
        await fake.ListenAsync();
        return fake;
    }

    public IReadOnlyList<FakePullRequest> PullRequests
    {
        get { lock (Gate) return [.. _pulls]; }
    }

    /// <summary>Configuration that sends pull requests for repositories on <paramref name="host"/> to this fake.</summary>
    public Dictionary<string, string?> ConfigurationFor(string host) => new()
    {
        [$"Builder:Hosting:Hosts:{host}"] = "github",
        ["Builder:Hosting:GitHub:ApiUrl"] = Url,
    };

    /// <summary>Adds a pull request as if someone had opened it before the test.</summary>
    public FakePullRequest Add(string repository, string head, string @base, string title, string? body = null, string state = "open")
    {
        lock (Gate) return Insert(repository, head, @base, title, body, state);
    }

    public void Close(string repository, long number)
    {
        lock (Gate)
        {
            var index = _pulls.FindIndex(p => p.Repository == repository && p.Number == number);
            _pulls[index] = _pulls[index] with { State = "closed" };
        }
    }

    protected override string NotFoundMessage => "Not Found";
    protected override string MissingTokenMessage => "Requires authentication";
    protected override string BadTokenMessage => "Bad credentials";

    protected override string? TokenOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        var space = header.IndexOf(' ');
        if (space < 0)
            return null;
        var scheme = header[..space];
        return scheme.Equals("token", StringComparison.OrdinalIgnoreCase) || scheme.Equals("bearer", StringComparison.OrdinalIgnoreCase)
            ? header[(space + 1)..].Trim()
            : null;
    }

    // GitHub puts the reason for a 422 in "errors"; "message" just says "Validation Failed".
    protected override Task Error(HttpContext context, HttpStatusCode status, string message) =>
        status == HttpStatusCode.UnprocessableEntity ? Invalid(context, "custom", message) : WriteJson(context, status, new JsonObject
        {
            ["message"] = message,
            ["documentation_url"] = "https://docs.github.com/rest",
            ["status"] = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    protected override void MapRoutes(WebApplication app)
    {
        app.MapGet("/repos/{owner}/{repo}/pulls", (HttpContext context, string owner, string repo) => List(context, $"{owner}/{repo}"));
        app.MapPost("/repos/{owner}/{repo}/pulls", (HttpContext context, string owner, string repo) => Create(context, $"{owner}/{repo}"));
        app.MapGet("/repos/{owner}/{repo}/pulls/{number:long}", (HttpContext context, string owner, string repo, long number) => Get(context, $"{owner}/{repo}", number));
        app.MapMethods("/repos/{owner}/{repo}/pulls/{number:long}", ["PATCH"], (HttpContext context, string owner, string repo, long number) => Update(context, $"{owner}/{repo}", number));
        app.MapPost("/repos/{owner}/{repo}/statuses/{sha}", (HttpContext context, string owner, string repo, string sha) => SetStatus(context, $"{owner}/{repo}", sha));
        app.MapGet("/user", context => WriteJson(context, HttpStatusCode.OK, new JsonObject { ["login"] = Login, ["id"] = 1, ["type"] = "User" }));
        app.MapPost("/user/repos", context => CreateRepository(context, Login));
        app.MapPost("/orgs/{org}/repos", (HttpContext context, string org) => Organizations.Contains(org)
            ? CreateRepository(context, org)
            : Error(context, HttpStatusCode.NotFound, NotFoundMessage));
        app.MapGet("/repos/{owner}/{repo}", (HttpContext context, string owner, string repo) => FindRepository($"{owner}/{repo}") is { } found
            ? WriteJson(context, HttpStatusCode.OK, ToJson(found))
            : Error(context, HttpStatusCode.NotFound, NotFoundMessage));
    }

    /// <summary>The token's account: GET /user answers it, POST /user/repos creates under it.</summary>
    public string Login { get; set; } = "builder-bot";

    /// <summary>Organizations the token may create repositories in; any other answers 404 as GitHub does.</summary>
    public HashSet<string> Organizations { get; } = new(StringComparer.OrdinalIgnoreCase) { "acme" };

    async Task CreateRepository(HttpContext context, string owner)
    {
        var body = await ReadJsonObject(context);
        var name = (string?)body?["name"];
        if (string.IsNullOrEmpty(name))
        {
            await Invalid(context, "missing_field", "name is required");
            return;
        }
        var created = TryCreateRepository($"{owner}/{name}", (string?)body?["description"], (bool?)body?["private"] == true ? "private" : "public", out var failAfter);
        if (created is null)
            await WriteJson(context, HttpStatusCode.UnprocessableEntity, new JsonObject
            {
                ["message"] = "Repository creation failed.",
                ["errors"] = new JsonArray(new JsonObject { ["resource"] = "Repository", ["code"] = "custom", ["field"] = "name", ["message"] = "name already exists on this account" }),
                ["documentation_url"] = "https://docs.github.com/rest/repos/repos#create-a-repository-for-the-authenticated-user",
                ["status"] = "422",
            });
        else if (failAfter)
            await Error(context, HttpStatusCode.BadGateway, "Bad Gateway");
        else
            await WriteJson(context, HttpStatusCode.Created, ToJson(created));
    }

    JsonObject ToJson(FakeRepository repository) => new()
    {
        ["id"] = repository.Id,
        ["node_id"] = $"R_{repository.Id}",
        ["name"] = repository.Path.Split('/')[1],
        ["full_name"] = repository.Path,
        ["owner"] = new JsonObject { ["login"] = repository.Path.Split('/')[0], ["id"] = 1, ["type"] = "User" },
        ["private"] = repository.Visibility == "private",
        ["visibility"] = repository.Visibility,
        ["description"] = repository.Description,
        ["html_url"] = WebUrl(repository),
        ["clone_url"] = CloneUrl(repository),
        ["url"] = $"{Url}repos/{repository.Path}",
        ["default_branch"] = "main",
        ["size"] = IsEmpty(repository) ? 0 : 1,
        ["created_at"] = "2026-12-05T08:00:00Z",
        ["updated_at"] = "2026-12-05T08:00:00Z",
        ["pushed_at"] = "2026-12-05T08:00:00Z",
    };

    async Task SetStatus(HttpContext context, string repository, string sha)
    {
        var status = AddStatus(repository, sha, await ReadJsonObject(context), "state", "context", "target_url", ["error", "failure", "pending", "success"]);
        if (status is null)
        {
            await Invalid(context, "invalid", "state must be one of error, failure, pending, success");
            return;
        }
        await WriteJson(context, HttpStatusCode.Created, new JsonObject
        {
            ["id"] = Statuses.Count,
            ["state"] = status.State,
            ["context"] = status.Context,
            ["description"] = status.Description,
            ["target_url"] = status.TargetUrl,
            ["created_at"] = "2026-12-05T08:00:00Z",
            ["updated_at"] = "2026-12-05T08:00:00Z",
        });
    }

    Task List(HttpContext context, string repository)
    {
        var query = context.Request.Query;
        var state = query["state"].ToString() is { Length: > 0 } s ? s : "open";
        var head = query["head"].ToString();
        var @base = query["base"].ToString();
        var owner = repository.Split('/')[0];
        JsonNode[] found;
        lock (Gate)
        {
            found = [.. _pulls
                .Where(p => p.Repository == repository)
                .Where(p => state == "all" || p.State == state)
                // GitHub filters head as "user:ref"; a bare ref matches nothing.
                .Where(p => head.Length == 0 || $"{owner}:{p.Head}" == head)
                .Where(p => @base.Length == 0 || p.Base == @base)
                .OrderByDescending(p => p.Number)
                .Select(ToJson)];
        }
        return WriteJson(context, HttpStatusCode.OK, new JsonArray(found));
    }

    async Task Create(HttpContext context, string repository)
    {
        var body = await ReadJsonObject(context);
        var title = (string?)body?["title"];
        var head = (string?)body?["head"];
        var @base = (string?)body?["base"];
        if (string.IsNullOrEmpty(title) || string.IsNullOrEmpty(head) || string.IsNullOrEmpty(@base))
        {
            await Invalid(context, "missing_field", "title, head and base are required");
            return;
        }

        // A head given as "owner:branch" names the branch of that owner's fork; here, the same repository.
        var branch = head.Contains(':') ? head[(head.IndexOf(':') + 1)..] : head;
        FakePullRequest? created = null;
        lock (Gate)
        {
            if (!_pulls.Any(p => p.Repository == repository && p.Head == branch && p.Base == @base && p.State == "open"))
                created = Insert(repository, branch, @base, title, (string?)body?["body"], "open");
        }
        if (created is null)
        {
            await Invalid(context, "custom", $"A pull request already exists for {repository.Split('/')[0]}:{branch}.");
            return;
        }
        await WriteJson(context, HttpStatusCode.Created, ToJson(created));
    }

    Task Get(HttpContext context, string repository, long number)
    {
        FakePullRequest? pull;
        lock (Gate) pull = _pulls.FirstOrDefault(p => p.Repository == repository && p.Number == number);
        return pull is null ? Error(context, HttpStatusCode.NotFound, NotFoundMessage) : WriteJson(context, HttpStatusCode.OK, ToJson(pull));
    }

    async Task Update(HttpContext context, string repository, long number)
    {
        var body = await ReadJsonObject(context);
        FakePullRequest? updated = null;
        lock (Gate)
        {
            var index = _pulls.FindIndex(p => p.Repository == repository && p.Number == number);
            if (index >= 0)
            {
                var pull = _pulls[index];
                updated = pull with
                {
                    Title = (string?)body?["title"] ?? pull.Title,
                    Body = body?.ContainsKey("body") == true ? (string?)body["body"] : pull.Body,
                    Base = (string?)body?["base"] ?? pull.Base,
                    State = (string?)body?["state"] ?? pull.State,
                };
                _pulls[index] = updated;
            }
        }
        if (updated is null)
            await Error(context, HttpStatusCode.NotFound, NotFoundMessage);
        else
            await WriteJson(context, HttpStatusCode.OK, ToJson(updated));
    }

    FakePullRequest Insert(string repository, string head, string @base, string title, string? body, string state)
    {
        var number = _pulls.Where(p => p.Repository == repository).Select(p => p.Number).DefaultIfEmpty(0).Max() + 1;
        var pull = new FakePullRequest(repository, number, head, @base, title, body, state, $"{Url}{repository}/pull/{number}");
        _pulls.Add(pull);
        return pull;
    }

    JsonObject ToJson(FakePullRequest pull)
    {
        var owner = pull.Repository.Split('/')[0];
        var sha = new string('0', 40);
        return new JsonObject
        {
            ["id"] = 1000 + pull.Number,
            ["node_id"] = $"PR_{pull.Number}",
            ["number"] = pull.Number,
            ["state"] = pull.State,
            ["title"] = pull.Title,
            ["body"] = pull.Body,
            ["url"] = $"{Url}repos/{pull.Repository}/pulls/{pull.Number}",
            ["html_url"] = pull.HtmlUrl,
            ["head"] = new JsonObject { ["label"] = $"{owner}:{pull.Head}", ["ref"] = pull.Head, ["sha"] = sha },
            ["base"] = new JsonObject { ["label"] = $"{owner}:{pull.Base}", ["ref"] = pull.Base, ["sha"] = sha },
            ["draft"] = false,
            ["merged"] = false,
            ["created_at"] = "2026-01-01T00:00:00Z",
            ["updated_at"] = "2026-01-01T00:00:00Z",
        };
    }

    Task Invalid(HttpContext context, string code, string message) =>
        WriteJson(context, HttpStatusCode.UnprocessableEntity, new JsonObject
        {
            ["message"] = "Validation Failed",
            ["errors"] = new JsonArray(new JsonObject { ["resource"] = "PullRequest", ["code"] = code, ["message"] = message }),
            ["documentation_url"] = "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
            ["status"] = "422",
        });
}
