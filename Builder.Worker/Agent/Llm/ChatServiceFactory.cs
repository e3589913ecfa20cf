using Anthropic;
using Builder.Core;
using Builder.Core.Llm;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;

namespace Builder.Worker.Agent.Llm;

/// <summary>
/// Makes the chat service of one agent step for the configured provider: the SK OpenAI connector
/// (any OpenAI-compatible endpoint) or the Anthropic SDK's chat client seen through SK. Both send
/// through <see cref="ModelHttpHandler"/>.
/// </summary>
public sealed class ChatServiceFactory(IOptions<BuilderOptions> options, TimeProvider clock, ILoggerFactory loggerFactory)
{
    public ModelConnection Connect(LlmSettings settings, ModelTraffic traffic)
    {
        var handler = new ModelHttpHandler(traffic, options.Value.Llm, clock) { InnerHandler = new SocketsHttpHandler { AllowAutoRedirect = false } };
        // Timeouts and retries are the handler's, per request; the client itself must not cut a retried call short.
        var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        IChatCompletionService service = settings.Provider switch
        {
            LlmSettings.Anthropic => new AnthropicClient
            {
                ApiKey = settings.ApiKey ?? "unused",
                BaseUrl = settings.Endpoint?.ToString().TrimEnd('/') ?? "https://api.anthropic.com",
                HttpClient = http,
                MaxRetries = 0,
                Timeout = TimeSpan.FromHours(2),
            }.AsIChatClient(settings.Model, settings.MaxOutputTokens).AsChatCompletionService(),
            // The custom-endpoint constructor is what makes every OpenAI-compatible server usable; SK marks it experimental.
#pragma warning disable SKEXP0010
            _ => new OpenAIChatCompletionService(settings.Model, settings.Endpoint ?? new Uri("https://api.openai.com/v1"),
                settings.ApiKey ?? "unused", httpClient: http, loggerFactory: loggerFactory),
#pragma warning restore SKEXP0010
        };
        return new ModelConnection(service, http, settings);
    }
}

/// <summary>A step's chat service and the HTTP client under it.</summary>
public sealed class ModelConnection(IChatCompletionService service, HttpClient http, LlmSettings settings) : IDisposable
{
    public IChatCompletionService Service { get; } = service;
    public LlmSettings Settings { get; } = settings;

    /// <summary>Execution settings with the given tools offered to the model; the agent invokes them itself, so that it can refuse, record and count.</summary>
    public PromptExecutionSettings ExecutionSettings(IReadOnlyList<KernelFunction> tools)
    {
        var choice = tools.Count == 0 ? null : FunctionChoiceBehavior.Auto(tools, autoInvoke: false);
        if (Settings.Provider == LlmSettings.Anthropic)
            return new PromptExecutionSettings
            {
                FunctionChoiceBehavior = choice,
                ExtensionData = new Dictionary<string, object> { ["temperature"] = Settings.Temperature, ["max_tokens"] = Settings.MaxOutputTokens },
            };
        return new OpenAIPromptExecutionSettings
        {
            FunctionChoiceBehavior = choice,
            Temperature = Settings.Temperature,
            MaxTokens = Settings.MaxOutputTokens,
        };
    }

    public void Dispose() => http.Dispose();
}
