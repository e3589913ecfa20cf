using Builder.Worker.StateMachines;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Builder.Core.Llm;
using Builder.Core.StateMachines;
using Builder.Worker.Agent.Llm;
using Builder.Worker.Agent.Transcripts;
using Builder.Worker.Pipeline;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Builder.Worker.Agent;

/// <summary>
/// One agent step (plan-1, generate-2, …) in conversation with the model. It sends each request,
/// records it (event, transcript artifact, usage row), runs the tools the model calls — itself, so
/// that an unknown tool or a broken edit is caught and counted — and turns malformed answers into a
/// refined prompt that names the problem, until the step's allowance of malformed answers is spent.
/// </summary>
public sealed class AgentStep(AgentContext context, string kind, Kernel kernel, ModelConnection connection, ModelTraffic traffic, Budget? budget)
    : IDisposable
{
    readonly List<string> _problems = [];
    int _calls;

    public AgentContext Context { get; } = context;
    public Kernel Kernel { get; } = kernel;
    public string Kind { get; } = kind;
    public string Session { get; } = TranscriptNames.Session(kind, context.Attempt);
    public int Calls => _calls;
    public ModelTraffic Traffic { get; } = traffic;

    /// <summary>
    /// Converses until <paramref name="accept"/> takes a final answer: tool calls are run and answered,
    /// an answer it rejects goes back to the model with the problem named.
    /// </summary>
    public async Task<T> ConverseAsync<T>(string function, ChatHistory history, IReadOnlyList<KernelFunction> tools,
        Func<string?, Task<(T? Value, string? Problem)>> accept, string format)
    {
        for (var turn = 0; ; turn++)
        {
            if (turn >= Context.Options.MaxCallsPerStep)
                throw new PhaseFailedException("agent_exhausted",
                    $"The model made {turn} calls in {Session} without finishing ({function}); the step allows {Context.Options.MaxCallsPerStep}.");
            Shorten(history);
            var reply = await AskAsync(function, history, tools);
            history.Add(reply);

            var calls = FunctionCallContent.GetFunctionCalls(reply).ToList();
            if (calls.Count > 0)
            {
                for (var i = 0; i < calls.Count; i++)
                    history.Add((await RunToolAsync(calls[i], tools, i)).ToChatMessage());
                continue;
            }

            var (value, problem) = await accept(reply.Content);
            if (problem is null)
                return value!;
            await MalformedAsync(problem);
            history.AddUserMessage($"Your answer could not be used: {problem}.\nAnswer again with only the JSON object:\n{format}");
        }
    }

    /// <summary>Counts a malformed answer; the last one allowed ends the step with every problem listed.</summary>
    public async Task MalformedAsync(string problem)
    {
        _problems.Add(problem);
        await Context.Recorder.EventAsync(AgentEvents.Malformed, new { session = Session, count = _problems.Count, of = Context.Options.MaxMalformedAnswers, problem },
            $"{Session}:{_calls}:{_problems.Count}");
        if (_problems.Count >= Context.Options.MaxMalformedAnswers)
            throw new PhaseFailedException("malformed_output",
                $"The model's output could not be used {_problems.Count} times in {Session}: " +
                string.Join("; ", _problems.Select((p, i) => $"{i + 1}) {p}")) + ".");
    }

    async Task<ChatMessageContent> AskAsync(string function, ChatHistory history, IReadOnlyList<KernelFunction> tools)
    {
        Traffic.Last = null;
        var stopwatch = Stopwatch.StartNew();
        IReadOnlyList<ChatMessageContent> replies;
        try
        {
            replies = await connection.Service.GetChatMessageContentsAsync(history, connection.ExecutionSettings(tools), Kernel, Context.CancellationToken);
        }
        catch (Exception ex) when (Find<BudgetExceededException>(ex) is { } budgetExceeded)
        {
            throw new PhaseFailedException(FeatureStateMachine.BudgetExceeded, budgetExceeded.Message);
        }
        catch (Exception ex) when (Find<ModelUnavailableException>(ex) is { } unavailable)
        {
            throw new PhaseFailedException("llm_unavailable", unavailable.Message, retryable: true);
        }
        catch (Exception ex) when (Find<ReplayDivergedException>(ex) is { } diverged)
        {
            throw new PhaseFailedException("replay_diverged", diverged.Message);
        }
        catch (HttpOperationException ex)
        {
            throw new PhaseFailedException("llm_failed",
                $"The model endpoint refused the request ({(int?)ex.StatusCode}): {Short(ex.ResponseContent ?? ex.Message, 500)}");
        }

        var exchange = Traffic.Last ?? throw new InvalidOperationException("The model connector answered without sending a request.");
        await RecordAsync(function, exchange, stopwatch.ElapsedMilliseconds);
        if (replies.Count == 0)
            return new ChatMessageContent(AuthorRole.Assistant, "");
        return replies[^1];
    }

    async Task RecordAsync(string function, ModelExchange exchange, long durationMs)
    {
        var index = ++_calls;
        var settings = connection.Settings;
        var estimate = TokenEstimate.OfBytes(System.Text.Encoding.UTF8.GetByteCount(exchange.RequestBody));
        var usage = ModelUsage.Parse(settings.Provider, exchange.ResponseBody, estimate);
        var (input, output) = exchange.Cached ? (0, 0) : (usage.InputTokens, usage.OutputTokens);
        var cost = Pricing.CostMicros(Context.Options, settings.Model, input, output);
        budget?.Add(input + output, cost);

        JsonNode? request;
        try
        {
            request = JsonNode.Parse(exchange.RequestBody);
        }
        catch (JsonException)
        {
            request = JsonValue.Create(exchange.RequestBody);
        }

        var name = TranscriptNames.CallArtifact(Session, index);
        var transcript = new CallTranscript(Session, index, function, settings.Provider, settings.Model, exchange.Url, exchange.RequestSha,
            System.Text.Encoding.UTF8.GetByteCount(exchange.RequestBody), estimate, request, exchange.Status, exchange.ResponseBody, exchange.Cached,
            exchange.Retries, input, output, cost, exchange.Cached ? 0 : durationMs, usage.FinishReason);
        await Context.Recorder.ArtifactAsync(name, JsonSerializer.Serialize(transcript, TranscriptStore.Json));
        await Context.Recorder.UsageAsync(new LlmCall
        {
            FeatureId = Context.Feature.Id, TenantId = Context.Feature.TenantId, RepositoryId = Context.Repository.Id, Session = Session, Index = index,
            Function = function, Provider = settings.Provider, Model = settings.Model, InputTokens = input, OutputTokens = output, CostMicros = cost,
            DurationMs = transcript.DurationMs, FinishReason = usage.FinishReason, Cached = exchange.Cached,
        });
        await Context.Recorder.EventAsync(AgentEvents.LlmCall, new
        {
            session = Session, index, function, provider = settings.Provider, model = settings.Model, inputTokens = input, outputTokens = output,
            cost = Money.FromMicros(cost), durationMs = transcript.DurationMs, finishReason = usage.FinishReason, cached = exchange.Cached,
            retries = exchange.Retries.Count, transcript = name,
        }, $"{Session}:{index}");
    }

    async Task<FunctionResultContent> RunToolAsync(FunctionCallContent call, IReadOnlyList<KernelFunction> tools, int position)
    {
        var name = call.PluginName is null ? call.FunctionName : $"{call.PluginName}-{call.FunctionName}";
        var function = Resolve(call, tools);
        string result;
        string? problem = null;
        if (function is null)
        {
            result = $"ERROR: there is no tool named '{name}'. The only tools are: {string.Join(", ", tools.Select(t => t.Name))}.";
            problem = $"it called a tool that does not exist ('{name}')";
        }
        else if (call.Exception is not null)
        {
            result = $"ERROR: the arguments of '{name}' are not valid JSON: {call.Exception.Message}";
            problem = $"the arguments of '{name}' were not valid JSON";
        }
        else
        {
            try
            {
                var invoked = await function.InvokeAsync(Kernel, new KernelArguments(call.Arguments ?? new KernelArguments()), Context.CancellationToken);
                result = invoked.GetValue<object>()?.ToString() ?? "";
                if (result.StartsWith(EditResults.Failed, StringComparison.Ordinal))
                    problem = result[EditResults.Failed.Length..].Trim();
            }
            catch (Exception ex) when (ex is KernelException or ArgumentException or FormatException or InvalidCastException or JsonException)
            {
                result = $"ERROR: '{name}' could not be called: {ex.Message}";
                problem = $"'{name}' was called with unusable arguments ({ex.Message})";
            }
        }

        var outcome = problem is not null && function is null ? "unknown_tool"
            : problem is not null ? "malformed"
            : result.StartsWith("REFUSED", StringComparison.Ordinal) ? "refused"
            : result.StartsWith("ERROR", StringComparison.Ordinal) ? "error"
            : "ok";
        await Context.Recorder.EventAsync(AgentEvents.ToolCalled, new
        {
            session = Session, tool = function?.Name ?? name, arguments = Describe(call.Arguments), outcome, detail = outcome == "ok" ? null : Short(result, 400),
        }, $"{Session}:{_calls}:{position}");
        if (problem is not null)
            await MalformedAsync(problem);
        return new FunctionResultContent(call, result);
    }

    /// <summary>The SK OpenAI connector splits "plugin-function"; the chat-client path keeps "plugin_function" whole.</summary>
    static KernelFunction? Resolve(FunctionCallContent call, IReadOnlyList<KernelFunction> tools)
    {
        foreach (var tool in tools)
        {
            if (call.PluginName is not null)
            {
                if (tool.PluginName == call.PluginName && tool.Name == call.FunctionName)
                    return tool;
                continue;
            }

            if (call.FunctionName == tool.Name || call.FunctionName == $"{tool.PluginName}_{tool.Name}" || call.FunctionName == $"{tool.PluginName}-{tool.Name}")
                return tool;
        }

        return null;
    }

    /// <summary>Keeps a long conversation under the per-request limit by shortening the oldest tool results first.</summary>
    void Shorten(ChatHistory history)
    {
        var limit = Context.Options.MaxPromptTokens;
        int Size() => history.Sum(m => TokenEstimate.OfText(m.Content ?? "") + m.Items.OfType<FunctionResultContent>().Sum(r => TokenEstimate.OfText(r.Result?.ToString() ?? ""))
                                                                            + m.Items.OfType<FunctionCallContent>().Sum(c => 20 + TokenEstimate.OfText(Describe(c.Arguments))));
        if (Size() <= limit)
            return;
        var results = history.SelectMany(m => m.Items.OfType<FunctionResultContent>().Select(r => (Message: m, Result: r))).ToList();
        foreach (var (message, item) in results.Take(Math.Max(0, results.Count - 2)))
        {
            var text = item.Result?.ToString() ?? "";
            if (text.Length < 400)
                continue;
            var index = message.Items.IndexOf(item);
            message.Items[index] = new FunctionResultContent(item.FunctionName, item.PluginName, item.CallId,
                $"[shortened to stay within the request limit: this result had {text.Length} characters; call the tool again if you need it]");
            if (Size() <= limit)
                return;
        }
    }

    static string Describe(KernelArguments? arguments) =>
        arguments is null ? "" : Short(string.Join(", ", arguments.Select(a => $"{a.Key}={Short(a.Value?.ToString() ?? "null", 120)}")), 600);

    static string Short(string text, int max) => text.Length > max ? text[..max] + "…" : text;

    static T? Find<T>(Exception? ex) where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
            if (ex is T found)
                return found;
        return null;
    }

    public void Dispose() => connection.Dispose();
}

public static class AgentEvents
{
    public const string LlmCall = "llm.call";
    public const string ToolCalled = "agent.tool";
    public const string Refused = "agent.refused";
    public const string Malformed = "agent.malformed";
    public const string Analyzed = "repository.analyzed";
    public const string Validated = "agent.validated";
    public const string ChangeGenerated = "change.generated";
    public const string ReplayCompleted = "replay.completed";
    public const string ReplayFailed = "replay.failed";
}

public static class EditResults
{
    public const string Failed = "EDIT FAILED:";
}
