using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Builder.Tests.Agent.Scripted;

/// <summary>
/// A model for tests, served over real HTTP on a free loopback port: an OpenAI-compatible
/// /v1/chat/completions and an Anthropic /v1/messages endpoint that play scripted conversations
/// (text, tool calls, malformed output, 429s, slow answers). The real connectors talk to it.
/// Requests are routed by the role the agent's system prompt names (planner, engineer, reviewer);
/// each role answers from its own queue of turns, in order.
/// </summary>
public sealed class ScriptedModel : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly ConcurrentDictionary<string, ConcurrentQueue<Turn>> _turns = new();
    readonly ConcurrentQueue<ScriptedRequest> _requests = new();
    int _ids;

    ScriptedModel(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The base address an OpenAI-compatible client is configured with.</summary>
    public string OpenAiEndpoint => $"{BaseAddress.ToString().TrimEnd('/')}/v1";

    /// <summary>The base address the Anthropic client is configured with (it appends /v1/messages).</summary>
    public string AnthropicEndpoint => BaseAddress.ToString().TrimEnd('/');

    public IReadOnlyList<ScriptedRequest> Requests => [.. _requests];

    /// <summary>Problems the script itself met (a role asked more often than scripted); a test asserts there are none.</summary>
    public ConcurrentQueue<string> Problems { get; } = new();

    public static async Task<ScriptedModel> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var model = new ScriptedModel(app);
        app.MapPost("/v1/chat/completions", (HttpContext http) => model.ServeAsync(http, "openai"));
        app.MapPost("/v1/messages", (HttpContext http) => model.ServeAsync(http, "anthropic"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        model.BaseAddress = new Uri(address);
        return model;
    }

    public ScriptedModel Planner(params Turn[] turns) => Add("planner", turns);

    public ScriptedModel Engineer(params Turn[] turns) => Add("engineer", turns);

    public ScriptedModel Reviewer(params Turn[] turns) => Add("reviewer", turns);

    ScriptedModel Add(string role, Turn[] turns)
    {
        var queue = _turns.GetOrAdd(role, _ => new ConcurrentQueue<Turn>());
        foreach (var turn in turns)
            queue.Enqueue(turn);
        return this;
    }

    public IReadOnlyList<ScriptedRequest> RequestsOf(string role) => Requests.Where(r => r.Role == role).ToList();

    async Task ServeAsync(HttpContext http, string api)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        var json = JsonNode.Parse(body)!;
        var system = api == "anthropic" ? SystemOfAnthropic(json) : SystemOfOpenAi(json);
        var role = system.Contains("Builder's planner") ? "planner" : system.Contains("Builder's engineer") ? "engineer" : system.Contains("Builder's reviewer") ? "reviewer" : "unknown";
        var tools = (json["tools"]?.AsArray() ?? []).Select(t => (string?)(api == "anthropic" ? t!["name"] : t!["function"]?["name"]) ?? "").ToList();
        var request = new ScriptedRequest(api, role, body, json, system, tools);
        _requests.Enqueue(request);

        Turn? turn = null;
        if (_turns.TryGetValue(role, out var queue))
            queue.TryDequeue(out turn);
        if (turn is null && role == "reviewer")
            turn = Turn.Json(new { verdict = "complete", findings = Array.Empty<object>() });
        if (turn is null)
        {
            Problems.Enqueue($"the {role} was asked once more than scripted (request {_requests.Count})");
            http.Response.StatusCode = 400;
            await http.Response.WriteAsJsonAsync(new { error = new { message = $"The script has no more answers for the {role}.", type = "invalid_request_error" } });
            return;
        }

        while (true)
        {
            switch (turn)
            {
                case DynamicTurn dynamic:
                    try
                    {
                        turn = dynamic.Respond(request);
                    }
                    catch (Exception ex)
                    {
                        // A failed expectation of the script: the test sees it in Problems, the agent a refusal it cannot retry.
                        Problems.Enqueue($"the {role}'s scripted check failed: {ex.Message}");
                        http.Response.StatusCode = 400;
                        await http.Response.WriteAsJsonAsync(new { error = new { message = "The script's check of this request failed.", type = "invalid_request_error" } });
                        return;
                    }

                    continue;
                case SlowTurn slow:
                    try
                    {
                        await Task.Delay(slow.Delay, http.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    turn = slow.Then;
                    continue;
                case RateLimitedTurn limited:
                    http.Response.StatusCode = (int)HttpStatusCode.TooManyRequests;
                    http.Response.Headers.RetryAfter = limited.RetryAfterSeconds.ToString();
                    await http.Response.WriteAsJsonAsync(new { error = new { message = "Rate limit reached; try again later.", type = "rate_limit_error" } });
                    return;
            }

            break;
        }

        var id = Interlocked.Increment(ref _ids);
        var model = (string?)json["model"] ?? "scripted";
        var input = (turn as TextTurn)?.InputTokens ?? body.Length / 4;
        var answer = api == "anthropic" ? Anthropic(turn, id, model, input, tools) : OpenAi(turn, id, model, input, tools);
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(answer.ToJsonString());
    }

    static JsonObject OpenAi(Turn turn, int id, string model, int input, IReadOnlyList<string> tools)
    {
        var message = new JsonObject { ["role"] = "assistant" };
        string finish;
        int output;
        if (turn is ToolsTurn calls)
        {
            message["content"] = null;
            message["tool_calls"] = new JsonArray(calls.Calls.Select((c, i) => (JsonNode)new JsonObject
            {
                ["id"] = $"call_{id}_{i}",
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = ToolName(c.Name, tools), ["arguments"] = JsonSerializer.Serialize(c.Arguments) },
            }).ToArray());
            finish = "tool_calls";
            output = 20 * calls.Calls.Count;
        }
        else
        {
            var text = ((TextTurn)turn).Content;
            message["content"] = text;
            finish = "stop";
            output = ((TextTurn)turn).OutputTokens ?? 10 + text.Length / 4;
        }

        return new JsonObject
        {
            ["id"] = $"chatcmpl-{id}",
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000 + id,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finish }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = input, ["completion_tokens"] = output, ["total_tokens"] = input + output },
        };
    }

    static JsonObject Anthropic(Turn turn, int id, string model, int input, IReadOnlyList<string> tools)
    {
        var content = new JsonArray();
        string stop;
        int output;
        if (turn is ToolsTurn calls)
        {
            for (var i = 0; i < calls.Calls.Count; i++)
                content.Add(new JsonObject
                {
                    ["type"] = "tool_use",
                    ["id"] = $"toolu_{id}_{i}",
                    ["name"] = ToolName(calls.Calls[i].Name, tools),
                    ["input"] = JsonSerializer.SerializeToNode(calls.Calls[i].Arguments),
                });
            stop = "tool_use";
            output = 20 * calls.Calls.Count;
        }
        else
        {
            var text = ((TextTurn)turn).Content;
            content.Add(new JsonObject { ["type"] = "text", ["text"] = text });
            stop = "end_turn";
            output = ((TextTurn)turn).OutputTokens ?? 10 + text.Length / 4;
        }

        return new JsonObject
        {
            ["id"] = $"msg_{id}",
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = model,
            ["content"] = content,
            ["stop_reason"] = stop,
            ["stop_sequence"] = null,
            ["usage"] = new JsonObject { ["input_tokens"] = input, ["output_tokens"] = output },
        };
    }

    /// <summary>The request's own name of a tool ("files-read_file", "files_read_file"), or the name as scripted when no tool has it.</summary>
    static string ToolName(string name, IReadOnlyList<string> tools) =>
        tools.FirstOrDefault(t => t == name || t.EndsWith("-" + name, StringComparison.Ordinal) || t.EndsWith("_" + name, StringComparison.Ordinal)) ?? name;

    static string SystemOfOpenAi(JsonNode json) =>
        string.Join("\n", (json["messages"]?.AsArray() ?? []).Where(m => (string?)m!["role"] is "system" or "developer").Select(m => Text(m!["content"])));

    static string SystemOfAnthropic(JsonNode json) => Text(json["system"]);

    static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue value => value.GetValue<string>(),
        JsonArray parts => string.Join("\n", parts.Select(p => (string?)p?["text"] ?? "")),
        _ => node.ToJsonString(),
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
