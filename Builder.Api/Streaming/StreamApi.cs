using System.Globalization;
using System.Net.ServerSentEvents;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Core.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Builder.Api.Streaming;

/// <summary>
/// Live progress for machines: a feature's events as Server-Sent Events or WebSocket messages, as
/// they are appended, resumable from a sequence number, ending after the terminal event.
/// </summary>
public static class StreamApi
{
    public static RouteGroupBuilder MapStreamApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/features/{id:guid}").WithTags("Live progress").RequireAuthorization(ApiScopes.FeaturesRead);
        api.MapGet("/stream", Sse)
            .Produces<FeatureEventView>(StatusCodes.Status200OK, "text/event-stream")
            .WithSummary("The run's events as Server-Sent Events (id: sequence, event: type, data: the event as GET .../events shows it), " +
                         "from ?after=N or the Last-Event-ID header, ending after feature.completed/failed/cancelled/rejected. " +
                         "Browsers may pass the key as ?access_token=.");
        api.MapGet("/ws", WebSocket)
            .WithSummary("The same events over a WebSocket, one JSON text message per event, from ?after=N; closed normally after the terminal event.");
        return api;
    }

    public static async Task<Results<ServerSentEventsResult<string>, ValidationProblem, ProblemHttpResult>> Sse(
        Guid id, long? after, HttpContext http, BuilderDbContext db, FeatureEventStream stream, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var from = after;
        if (http.Request.Headers["Last-Event-ID"] is [{ } lastEventId])
        {
            if (!long.TryParse(lastEventId, out var parsed) || parsed < 0)
                return new Validation().Add("Last-Event-ID", $"'{lastEventId}' is not a sequence number.").Problem();
            from = parsed;
        }

        if (await Check(id, from, http, db, cancellationToken) is { } problem)
            return problem;

        http.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(Frames(stream.ReadAsync(id, from ?? 0, cancellationToken), json.Value.SerializerOptions));
    }

    /// <summary>
    /// A keep-alive event (type keep-alive, empty data) comes first, so the client has the response's headers
    /// at once even when no event follows for a while, and then whenever the run is quiet.
    /// </summary>
    static async IAsyncEnumerable<SseItem<string>> Frames(IAsyncEnumerable<FeatureEvent?> events, JsonSerializerOptions json)
    {
        yield return KeepAlive;
        await foreach (var e in events)
            yield return e is null
                ? KeepAlive
                : new SseItem<string>(JsonSerializer.Serialize(FeatureViews.Event(e), json), e.Type) { EventId = e.Sequence.ToString(CultureInfo.InvariantCulture) };
    }

    public const string KeepAliveType = "keep-alive";

    static readonly SseItem<string> KeepAlive = new("", KeepAliveType);

    public static async Task<Results<EmptyHttpResult, ValidationProblem, ProblemHttpResult>> WebSocket(
        Guid id, long? after, HttpContext http, BuilderDbContext db, FeatureEventStream stream, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        if (!http.WebSockets.IsWebSocketRequest)
            return new Validation().Add("Upgrade", "This endpoint speaks WebSocket only; use GET .../stream for Server-Sent Events.").Problem();
        if (await Check(id, after, http, db, cancellationToken) is { } problem)
            return problem;

        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The client sends nothing; reading notices when it closes (or goes away) and stops the stream.
        var reading = DrainAsync(socket, closed);
        try
        {
            await foreach (var e in stream.ReadAsync(id, after ?? 0, closed.Token))
            {
                if (e is null)
                    continue;
                var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(FeatureViews.Event(e), json.Value.SerializerOptions));
                await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, closed.Token);
            }

            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "the run has ended", cancellationToken);
            await reading.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or TimeoutException)
        {
            // The client went away or did not answer the close: nothing more to say to it.
        }

        return TypedResults.Empty;
    }

    static async Task DrainAsync(WebSocket socket, CancellationTokenSource closed)
    {
        var buffer = new byte[1024];
        try
        {
            while (socket.State == WebSocketState.Open || socket.State == WebSocketState.CloseSent)
            {
                var result = await socket.ReceiveAsync(buffer, closed.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                    break;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
        finally
        {
            await closed.CancelAsync();
        }
    }

    static async Task<ProblemHttpResult?> Check(Guid id, long? after, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        if (after is < 0)
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: "after must be 0 or more.");
        var tenantId = http.User.TenantId();
        return await db.Features.OfTenant(tenantId, id).AnyAsync(cancellationToken) ? null : FeaturesApi.NotFound(id);
    }
}
