using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Builder.Tests.Web;

/// <summary>A feature as the API writes it: its own type, so the Web's JSON reading is really tested.</summary>
public sealed record FakeFeature(
    Guid Id,
    string Title,
    Guid RepositoryId,
    string RepositoryName,
    string Status,
    string? CurrentPhase,
    string? Gate,
    int ProgressPercent,
    string ApprovalMode,
    string RequestedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static readonly Guid ShopRepository = Guid.Parse("0b9d3c52-0d6b-4a55-9a43-2f1d1f0d7a11");

    public static FakeFeature Make(string title, string status, TimeSpan age, string? phase = null, int progress = 0,
        string? gate = null, string requestedBy = "ci-bot", Guid? repositoryId = null, string repositoryName = "shop")
    {
        var created = DateTimeOffset.UtcNow - age;
        return new FakeFeature(Guid.NewGuid(), title, repositoryId ?? ShopRepository, repositoryName, status, phase, gate, progress, "auto",
            requestedBy, created, created + TimeSpan.FromSeconds(5));
    }
}

public sealed record FakeRepository(Guid Id, string Name);

/// <summary>What the fake API answers /api/features and /api/board with instead of data.</summary>
public sealed record FakeProblem(int Status, string? Title, string? Detail, string? Html = null);

public sealed record FakeRequest(string Path, string Query, string? Authorization);

/// <summary>
/// A small stand-in for Builder.Api on a real Kestrel port on loopback: <c>/api/me</c>,
/// <c>/api/features</c>, <c>/api/board</c>, repositories, artifacts and gate actions in the API's
/// JSON shapes, ProblemDetails errors, bearer keys. What it does not serve answers 404, as an
/// older API would.
/// </summary>
public sealed class FakeBuilderApi : IAsyncDisposable
{
    public const string Key = "bk_test_9f2c1d77e04b4f3a";
    public const string TenantName = "acme-labs";
    public const string KeyName = "dashboard-key";

    readonly WebApplication app;
    readonly Lock gate = new();
    List<FakeFeature> features = [];
    List<FakeRepository> repositories = [new(FakeFeature.ShopRepository, "shop")];
    readonly Dictionary<(Guid, string), string> artifacts = [];
    FakeProblem? featuresProblem;
    volatile bool keyRevoked;

    FakeBuilderApi(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    /// <summary>Refreshes of the board: one request each, which brings the page and the counts.</summary>
    public int ListRequestCount => Requests.Count(r => r.Path == "/api/board");

    public bool KeyRevoked { get => keyRevoked; set => keyRevoked = value; }

    public FakeProblem? FeaturesProblem
    {
        get { lock (gate) return featuresProblem; }
        set { lock (gate) featuresProblem = value; }
    }

    public void SetFeatures(params FakeFeature[] items)
    {
        lock (gate)
            features = [.. items];
    }

    public void SetRepositories(params FakeRepository[] items)
    {
        lock (gate)
            repositories = [.. items];
    }

    /// <summary>Stores an artifact (plan.json, change.diff, a log) of a feature.</summary>
    public void SetArtifact(Guid featureId, string name, string content)
    {
        lock (gate)
            artifacts[(featureId, name)] = content;
    }

    /// <summary>When set, every action is refused with this problem.</summary>
    public FakeProblem? ActionProblem { get; set; }

    /// <summary>The actions (approve, reject, revise, ...) received, with their bodies.</summary>
    public ConcurrentQueue<(Guid Id, string Action, string Body)> Actions { get; } = new();

    public void Update(Guid id, Func<FakeFeature, FakeFeature> change)
    {
        lock (gate)
            features = [.. features.Select(f => f.Id == id ? change(f) : f)];
    }

    public static async Task<FakeBuilderApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddProblemDetails();
        var app = builder.Build();

        FakeBuilderApi? api = null;
        app.Use((context, next) =>
        {
            api!.Requests.Enqueue(new FakeRequest(context.Request.Path, context.Request.QueryString.Value ?? "", context.Request.Headers.Authorization));
            return next(context);
        });
        app.MapGet("/api/me", (HttpRequest request) => api!.Me(request));
        app.MapGet("/api/features", (HttpRequest request) => api!.ListFeatures(request));
        app.MapGet("/api/board", (HttpRequest request) => api!.Board(request));
        app.MapGet("/api/repositories", (HttpRequest request) => api!.Authorized(request) ? Results.Json(api.Repositories()) : Unauthorized());
        app.MapGet("/api/features/{id:guid}/artifacts", (Guid id, HttpRequest request) => api!.ListArtifacts(id, request));
        app.MapGet("/api/features/{id:guid}/artifacts/{name}", (Guid id, string name, HttpRequest request) => api!.Artifact(id, name, request));
        app.MapPost("/api/features/{id:guid}/{action}", async (Guid id, string action, HttpRequest request) =>
        {
            if (!api!.Authorized(request))
                return Unauthorized();
            using var reader = new StreamReader(request.Body);
            return api.Act(id, action, await reader.ReadToEndAsync());
        });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        api = new FakeBuilderApi(app, new Uri(address));
        return api;
    }

    internal bool Authorized(HttpRequest request) => !keyRevoked && request.Headers.Authorization == $"Bearer {Key}";

    internal static IResult Unauthorized() =>
        Results.Problem(title: "Unauthorized", detail: "The API key is missing, unknown or revoked.", statusCode: 401);

    IResult Me(HttpRequest request) => Authorized(request)
        ? Results.Json(new { tenantId = Guid.Parse("5f0e7a51-3c4b-4f2e-9d7a-6c1b2a3d4e5f"), tenantName = TenantName, keyName = KeyName, scopes = new[] { "admin" } })
        : Unauthorized();

    IResult ListFeatures(HttpRequest request)
    {
        if (!Authorized(request))
            return Unauthorized();

        List<FakeFeature> all;
        FakeProblem? problem;
        lock (gate)
        {
            all = features;
            problem = featuresProblem;
        }

        if (problem is { Html: { } html })
            return Results.Content(html, "text/html", statusCode: problem.Status);
        if (problem is not null)
            return Results.Problem(title: problem.Title, detail: problem.Detail, statusCode: problem.Status);

        var status = request.Query["status"].ToString();
        var page = int.TryParse(request.Query["page"], out var p) ? p : 1;
        var pageSize = int.TryParse(request.Query["pageSize"], out var s) ? s : 50;
        var matching = all.Where(f => status.Length == 0 || f.Status == status).OrderByDescending(f => f.CreatedAt).ToList();
        return Results.Json(new
        {
            items = matching.Skip((page - 1) * pageSize).Take(pageSize),
            page,
            pageSize,
            total = matching.Count,
        });
    }

    object[] Repositories()
    {
        lock (gate)
            return [.. repositories.Select(r => new
            {
                id = r.Id, name = r.Name, url = $"https://git.example/{r.Name}.git", defaultBranch = "main", hasCredentials = false,
                settings = new { buildCommand = (string?)null, testCommand = (string?)null, allowedPaths = (string[]?)null, maxFileBytes = (int?)null },
                createdAt = DateTimeOffset.UtcNow,
            })];
    }

    /// <summary>The board as the API serves it: filters, counts per status under the other filters, authors.</summary>
    IResult Board(HttpRequest request)
    {
        if (!Authorized(request))
            return Unauthorized();
        List<FakeFeature> all;
        FakeProblem? problem;
        lock (gate)
        {
            all = features;
            problem = featuresProblem;
        }
        if (problem is { Html: { } html })
            return Results.Content(html, "text/html", statusCode: problem.Status);
        if (problem is not null)
            return Results.Problem(title: problem.Title, detail: problem.Detail, statusCode: problem.Status);

        var q = request.Query;
        var filtered = all.Where(f =>
            (q["repositoryId"].ToString() is not { Length: > 0 } repo || f.RepositoryId.ToString() == repo)
            && (q["requestedBy"].ToString() is not { Length: > 0 } by || f.RequestedBy == by)
            && (q["q"].ToString() is not { Length: > 0 } text || f.Title.Contains(text, StringComparison.OrdinalIgnoreCase))).ToList();
        var counts = new[] { "Requested", "Running", "AwaitingApproval", "Completed", "Failed", "Cancelled", "Rejected", "RolledBack" }
            .ToDictionary(s => s, s => filtered.Count(f => f.Status == s));
        var status = q["status"].ToString();
        var matching = filtered.Where(f => status.Length == 0 || f.Status == status);
        matching = q["order"] == "oldest" ? matching.OrderBy(f => f.CreatedAt) : matching.OrderByDescending(f => f.CreatedAt);
        var list = matching.ToList();
        var page = int.TryParse(q["page"], out var p) ? p : 1;
        var pageSize = int.TryParse(q["pageSize"], out var s) ? s : 50;
        return Results.Json(new
        {
            items = list.Skip((page - 1) * pageSize).Take(pageSize),
            page,
            pageSize,
            total = list.Count,
            counts,
            authors = all.Select(f => f.RequestedBy).Distinct().Order(StringComparer.Ordinal),
        });
    }

    IResult ListArtifacts(Guid id, HttpRequest request)
    {
        if (!Authorized(request))
            return Unauthorized();
        lock (gate)
            return Results.Json(artifacts.Where(a => a.Key.Item1 == id).Select(a => new
            {
                name = a.Key.Item2, contentType = "text/plain", size = a.Value.Length, truncated = false, createdAt = DateTimeOffset.UnixEpoch,
                url = $"/api/features/{id}/artifacts/{a.Key.Item2}",
            }).ToList());
    }

    IResult Artifact(Guid id, string name, HttpRequest request)
    {
        if (!Authorized(request))
            return Unauthorized();
        lock (gate)
            return artifacts.TryGetValue((id, name), out var text)
                ? Results.Text(text, "text/plain")
                : Results.Problem(title: "Not found", detail: $"Feature {id} has no artifact '{name}'.", statusCode: 404);
    }

    /// <summary>Approve, reject and revise end the wait at the gate, as the real pipeline would move on.</summary>
    IResult Act(Guid id, string action, string body)
    {
        Actions.Enqueue((id, action, body));
        if (ActionProblem is { } refused)
            return Results.Problem(title: refused.Title, detail: refused.Detail, statusCode: refused.Status);
        FakeFeature? feature;
        lock (gate)
            feature = features.FirstOrDefault(f => f.Id == id);
        if (feature is null)
            return Results.Problem(title: "Not found", detail: $"No feature {id}.", statusCode: 404);
        if (feature.Status != "AwaitingApproval")
            return Results.Problem(title: "Not allowed in the current state",
                detail: $"The feature is {feature.Status}; only a feature awaiting approval can be {action}d.", statusCode: 409);
        Update(id, f => f with
        {
            Status = action == "reject" ? "Rejected" : "Running", Gate = null, CurrentPhase = action == "revise" ? "plan" : f.CurrentPhase,
            UpdatedAt = DateTimeOffset.UtcNow,
        });
        return Results.Json(new { id, action, statusBefore = "AwaitingApproval" }, statusCode: 202);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
