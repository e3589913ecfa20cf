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
        string? gate = null, string requestedBy = "ci-bot")
    {
        var created = DateTimeOffset.UtcNow - age;
        return new FakeFeature(Guid.NewGuid(), title, ShopRepository, "shop", status, phase, gate, progress, "auto",
            requestedBy, created, created + TimeSpan.FromSeconds(5));
    }
}

/// <summary>What the fake API answers /api/features with instead of data.</summary>
public sealed record FakeProblem(int Status, string? Title, string? Detail, string? Html = null);

public sealed record FakeRequest(string Path, string Query, string? Authorization);

/// <summary>
/// A small stand-in for Builder.Api on a real Kestrel port on loopback: <c>/api/me</c> and
/// <c>/api/features</c> in the API's JSON shapes, ProblemDetails errors, bearer keys.
/// </summary>
public sealed class FakeBuilderApi : IAsyncDisposable
{
    public const string Key = "bk_test_9f2c1d77e04b4f3a";
    public const string TenantName = "acme-labs";
    public const string KeyName = "dashboard-key";

    readonly WebApplication app;
    readonly Lock gate = new();
    List<FakeFeature> features = [];
    FakeProblem? featuresProblem;
    volatile bool keyRevoked;

    FakeBuilderApi(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    /// <summary>Requests for a page of the list, as opposed to the one-row requests for the counts.</summary>
    public int ListRequestCount => Requests.Count(r => r.Path == "/api/features" && !r.Query.Contains("pageSize=1&", StringComparison.Ordinal) && !r.Query.EndsWith("pageSize=1", StringComparison.Ordinal));

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

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        api = new FakeBuilderApi(app, new Uri(address));
        return api;
    }

    bool Authorized(HttpRequest request) => !keyRevoked && request.Headers.Authorization == $"Bearer {Key}";

    static IResult Unauthorized() =>
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

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
