using System.ComponentModel.DataAnnotations;

namespace Builder.Core.Llm;

/// <summary>
/// The "Builder:Llm" section: the model Builder's own agent writes changes with when a request has
/// no draft, and the limits it works within. Without a provider and a model, only drafts are accepted.
/// </summary>
public sealed class LlmOptions
{
    /// <summary>"openai" for any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, LM Studio, llama.cpp, gateways) or "anthropic".</summary>
    [RegularExpression("^(openai|anthropic)$", ErrorMessage = "Builder:Llm:Provider must be 'openai' or 'anthropic'.")]
    public string? Provider { get; set; }

    /// <summary>The API's base address; for OpenAI-compatible servers it usually ends in /v1. Empty: the provider's public API.</summary>
    public string? Endpoint { get; set; }

    public string? Model { get; set; }

    public string? ApiKey { get; set; }

    [Range(0.0, 2.0)]
    public double Temperature { get; set; }

    [Range(16, 1_000_000)]
    public int MaxOutputTokens { get; set; } = 4096;

    /// <summary>One request's wall-clock limit; a request that takes longer is retried with back-off.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Retries of a rate-limited (429), overloaded (5xx) or timed-out request.</summary>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 4;

    /// <summary>The longest wait between retries, whatever a Retry-After header asks for.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Malformed answers (invalid JSON, an unknown tool, an edit that does not apply) one step accepts before the run fails.</summary>
    [Range(1, 10)]
    public int MaxMalformedAnswers { get; set; } = 3;

    /// <summary>Model calls one step (plan, generate) may make before it must answer.</summary>
    [Range(1, 500)]
    public int MaxCallsPerStep { get; set; } = 40;

    /// <summary>The token budget of the plan's first request: instructions, tools, the request and the repository map together.</summary>
    [Range(1000, 2_000_000)]
    public int PlanPromptTokens { get; set; } = 12_000;

    /// <summary>The most any one request may hold; older tool results are shortened to stay under it.</summary>
    [Range(1000, 2_000_000)]
    public int MaxPromptTokens { get; set; } = 48_000;

    /// <summary>Default per-feature token limit (input and output together); the run pauses for approval before passing it.</summary>
    [Range(1, long.MaxValue)]
    public long? MaxTokensPerFeature { get; set; } = 2_000_000;

    /// <summary>Default per-feature cost limit in the currency of <see cref="Prices"/>.</summary>
    [Range(0.0, 1_000_000.0)]
    public decimal? MaxCostPerFeature { get; set; } = 20m;

    /// <summary>Prices per model name (per million tokens). A model with no price costs 0 and is limited by tokens only.</summary>
    public Dictionary<string, ModelPrice> Prices { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Named API keys a repository may refer to (settings.llm.apiKeyName). The key of this section is
    /// never sent to an endpoint a repository chose.
    /// </summary>
    public Dictionary<string, string> ApiKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Whether a repository may point the agent at an endpoint of its own (settings.llm.endpoint).</summary>
    public bool AllowRepositoryEndpoints { get; set; }
}

public sealed class ModelPrice
{
    [Range(0.0, 1_000_000.0)]
    public decimal InputPerMillion { get; set; }

    [Range(0.0, 1_000_000.0)]
    public decimal OutputPerMillion { get; set; }
}
