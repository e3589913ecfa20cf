using Builder.Core.Domain;

namespace Builder.Core.Llm;

/// <summary>The model settings a run of one repository uses: Builder:Llm with the repository's overrides.</summary>
public sealed record LlmSettings(
    string Provider, Uri? Endpoint, string Model, string? ApiKey, double Temperature, int MaxOutputTokens, long? MaxTokens, decimal? MaxCost)
{
    public const string OpenAi = "openai";
    public const string Anthropic = "anthropic";

    /// <summary>What to configure when no model is: the message of the 400 for a request without a draft.</summary>
    public const string HowToConfigure =
        "No model is configured to write the change, so the request needs a draft (draft.files: [{path, mode: add|replace|delete, content}]). " +
        "To let Builder's agent write it, configure Builder:Llm:Provider ('openai' for any OpenAI-compatible endpoint, or 'anthropic'), " +
        "Builder:Llm:Model, and Builder:Llm:Endpoint and Builder:Llm:ApiKey where the provider needs them " +
        "(environment: Builder__Llm__Provider, Builder__Llm__Model, …), or the repository's settings.llm.";

    /// <summary>The effective settings, or why there are none.</summary>
    public static (LlmSettings? Settings, string? Problem) Resolve(LlmOptions options, RepositorySettings? repository)
    {
        var own = repository?.Llm;
        var provider = (own?.Provider ?? options.Provider)?.Trim().ToLowerInvariant();
        var model = own?.Model ?? options.Model;
        if (string.IsNullOrWhiteSpace(provider) || string.IsNullOrWhiteSpace(model))
            return (null, HowToConfigure);
        if (provider is not (OpenAi or Anthropic))
            return (null, $"The model provider '{provider}' is not known; use 'openai' (any OpenAI-compatible endpoint) or 'anthropic'.");

        var ownEndpoint = !string.IsNullOrWhiteSpace(own?.Endpoint);
        if (ownEndpoint && !options.AllowRepositoryEndpoints)
            return (null, "The repository sets its own model endpoint (settings.llm.endpoint), which this installation does not allow (Builder:Llm:AllowRepositoryEndpoints).");
        var endpointText = ownEndpoint ? own!.Endpoint : options.Endpoint;
        Uri? endpoint = null;
        if (!string.IsNullOrWhiteSpace(endpointText) && (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
            return (null, $"The model endpoint '{endpointText}' is not an http(s) URL.");

        // The configured key goes only where it was configured for: never to an endpoint or provider a repository chose.
        string? apiKey;
        if (own?.ApiKeyName is { } name)
        {
            if (!options.ApiKeys.TryGetValue(name, out apiKey))
                return (null, $"The repository names the API key '{name}', which Builder:Llm:ApiKeys does not hold.");
        }
        else
        {
            var sameTarget = !ownEndpoint && (own?.Provider is null || string.Equals(own.Provider, options.Provider, StringComparison.OrdinalIgnoreCase));
            apiKey = sameTarget ? options.ApiKey : null;
        }

        return (new LlmSettings(provider, endpoint, model.Trim(), string.IsNullOrEmpty(apiKey) ? null : apiKey,
            own?.Temperature ?? options.Temperature, own?.MaxOutputTokens ?? options.MaxOutputTokens,
            own?.MaxTokensPerFeature ?? options.MaxTokensPerFeature, own?.MaxCostPerFeature ?? options.MaxCostPerFeature), null);
    }
}
