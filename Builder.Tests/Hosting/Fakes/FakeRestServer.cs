using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Builder.Tests.Hosting.Fakes;

/// <summary>A commit status as a fake host keeps it, in the provider's own words for the state.</summary>
public sealed record FakeCommitStatus(string Repository, string Sha, string State, string Context, string? Description, string? TargetUrl);

/// <summary>
/// A real Kestrel server on a free loopback port that records every request and can be told to
/// fail or stall the next ones. <see cref="FakeGitHub"/> and <see cref="FakeGitLab"/> add the
/// provider's routes, authentication and error format.
/// </summary>
public abstract partial class FakeRestServer : IAsyncDisposable
{
    readonly List<RecordedRequest> _requests = [];
    readonly List<Fault> _faults = [];
    readonly List<FakeCommitStatus> _statuses = [];
    WebApplication? _app;

    /// <summary>Guards the recorded requests, the faults and the subclass's state.</summary>
    protected object Gate { get; } = new();

    /// <summary>The server's root, "http://127.0.0.1:PORT/": the API root to configure.</summary>
    public string Url { get; private set; } = "";

    /// <summary>When set, any other token is refused with 401; when null, any non-empty token is accepted.</summary>
    public string? RequiredToken { get; set; }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (Gate) return [.. _requests]; }
    }

    /// <summary>Every commit status set, in order; a later one of the same context replaces the earlier on a real host.</summary>
    public IReadOnlyList<FakeCommitStatus> Statuses
    {
        get { lock (Gate) return [.. _statuses]; }
    }

    /// <summary>
    /// Records a status from a request body, reading the fields under the provider's names; null
    /// (and a 400 for the subclass to send) when the state or context is missing or unknown.
    /// </summary>
    protected FakeCommitStatus? AddStatus(string repository, string sha, JsonObject? body, string stateField, string contextField,
        string targetUrlField, IReadOnlyCollection<string> states)
    {
        var state = (string?)body?[stateField];
        var context = (string?)body?[contextField];
        if (state is null || !states.Contains(state) || string.IsNullOrEmpty(context))
            return null;
        var status = new FakeCommitStatus(repository, sha, state, context, (string?)body?["description"], (string?)body?[targetUrlField]);
        lock (Gate) _statuses.Add(status);
        return status;
    }

    public void ClearRequests()
    {
        lock (Gate) _requests.Clear();
    }

    /// <summary>The next <paramref name="times"/> requests with this method (and path part) answer <paramref name="status"/>.</summary>
    public void FailNext(string method, int status, string? message = null, int times = 1, string? pathContains = null)
    {
        lock (Gate) _faults.Add(new Fault(method, pathContains, status, message, null, times));
    }

    /// <summary>The next request with this method is redirected to <paramref name="location"/>, as a moved instance would answer.</summary>
    public void RedirectNext(string method, string location, int status = 301)
    {
        lock (Gate) _faults.Add(new Fault(method, null, status, null, null, 1) { Location = location });
    }

    /// <summary>The next <paramref name="times"/> requests with this method wait <paramref name="delay"/> before being served, as a stalled host would.</summary>
    public void DelayNext(string method, TimeSpan delay, int times = 1, string? pathContains = null)
    {
        lock (Gate) _faults.Add(new Fault(method, pathContains, null, null, delay, times));
    }

    protected async Task ListenAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Use(InterceptAsync);
        MapRoutes(app);
        app.MapFallback(context => Error(context, HttpStatusCode.NotFound, NotFoundMessage));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        Url = address.TrimEnd('/') + "/";
        _app = app;
    }

    protected abstract void MapRoutes(WebApplication app);

    /// <summary>The token the request carries the way the provider expects it, or null.</summary>
    protected abstract string? TokenOf(HttpRequest request);

    /// <summary>Writes an error in the provider's JSON shape.</summary>
    protected abstract Task Error(HttpContext context, HttpStatusCode status, string message);

    protected abstract string NotFoundMessage { get; }

    protected abstract string MissingTokenMessage { get; }

    protected abstract string BadTokenMessage { get; }

    async Task InterceptAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        request.EnableBuffering();
        var body = await new StreamReader(request.Body).ReadToEndAsync(context.RequestAborted);
        request.Body.Position = 0;

        var target = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var path = target.Split('?', 2)[0];
        var recorded = new RecordedRequest(
            request.Method,
            path,
            request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body);

        Fault? fault;
        lock (Gate)
        {
            _requests.Add(recorded);
            fault = _faults.FirstOrDefault(f => f.Matches(recorded));
            if (fault is not null && --fault.Times == 0)
                _faults.Remove(fault);
        }

        if (fault?.Delay is { } delay)
            await Task.Delay(delay, context.RequestAborted);
        if (fault?.Location is { } location)
        {
            context.Response.StatusCode = fault.Status ?? 301;
            context.Response.Headers.Location = location;
            return;
        }
        if (fault?.Status is { } status)
        {
            await Error(context, (HttpStatusCode)status, fault.Message ?? ReasonFor(status));
            return;
        }

        var token = TokenOf(request);
        if (string.IsNullOrEmpty(token))
        {
            await Error(context, HttpStatusCode.Unauthorized, MissingTokenMessage);
            return;
        }
        if (RequiredToken is not null && token != RequiredToken)
        {
            await Error(context, HttpStatusCode.Unauthorized, BadTokenMessage);
            return;
        }

        await next(context);
    }

    static string ReasonFor(int status) => status switch
    {
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        500 => "Internal Server Error",
        _ => ((HttpStatusCode)status).ToString(),
    };

    protected static async Task<JsonObject?> ReadJsonObject(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    protected static Task WriteJson(HttpContext context, HttpStatusCode status, JsonNode body)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(stop.Token);
            await _app.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    sealed class Fault(string method, string? pathContains, int? status, string? message, TimeSpan? delay, int times)
    {
        public int? Status { get; } = status;
        public string? Message { get; } = message;
        public TimeSpan? Delay { get; } = delay;
        public int Times { get; set; } = times;
        public string? Location { get; init; }

        public bool Matches(RecordedRequest request) =>
            string.Equals(request.Method, method, StringComparison.OrdinalIgnoreCase)
            && (pathContains is null || request.Path.Contains(pathContains, StringComparison.Ordinal));
    }
}
