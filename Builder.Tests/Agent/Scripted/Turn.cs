using System.Text.Json;

namespace Builder.Tests.Agent.Scripted;

/// <summary>A tool call the scripted model makes. The name is the function's own ("read_file"); the server writes it as the request's tools name it.</summary>
public sealed record ToolCall(string Name, object Arguments);

/// <summary>One scripted answer of the model to one request.</summary>
public abstract record Turn
{
    /// <summary>A final answer in text.</summary>
    public static Turn Text(string content, int? inputTokens = null, int? outputTokens = null) => new TextTurn(content, inputTokens, outputTokens);

    /// <summary>A final answer that is the JSON of <paramref name="value"/>.</summary>
    public static Turn Json(object value) => new TextTurn(JsonSerializer.Serialize(value), null, null);

    /// <summary>An answer that calls tools.</summary>
    public static Turn Tools(params ToolCall[] calls) => new ToolsTurn(calls);

    public static Turn Tool(string name, object arguments) => new ToolsTurn([new ToolCall(name, arguments)]);

    /// <summary>HTTP 429 with a Retry-After header, then the client must ask again.</summary>
    public static Turn RateLimited(int retryAfterSeconds) => new RateLimitedTurn(retryAfterSeconds);

    /// <summary>Waits before answering; a client that gives up first must ask again.</summary>
    public static Turn Slow(TimeSpan delay, Turn then) => new SlowTurn(delay, then);

    /// <summary>An answer decided from the request (to check what the model was told).</summary>
    public static Turn From(Func<ScriptedRequest, Turn> respond) => new DynamicTurn(respond);
}

public sealed record TextTurn(string Content, int? InputTokens, int? OutputTokens) : Turn;

public sealed record ToolsTurn(IReadOnlyList<ToolCall> Calls) : Turn;

public sealed record RateLimitedTurn(int RetryAfterSeconds) : Turn;

public sealed record SlowTurn(TimeSpan Delay, Turn Then) : Turn;

public sealed record DynamicTurn(Func<ScriptedRequest, Turn> Respond) : Turn;
