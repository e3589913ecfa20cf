namespace Builder.Core.Llm;

/// <summary>A repository's overrides of Builder:Llm. Secrets stay in configuration: a repository names a key, it never holds one.</summary>
public sealed record RepositoryLlmSettings
{
    public string? Provider { get; init; }
    public string? Endpoint { get; init; }
    public string? Model { get; init; }

    /// <summary>The name of a key in Builder:Llm:ApiKeys.</summary>
    public string? ApiKeyName { get; init; }

    public double? Temperature { get; init; }
    public int? MaxOutputTokens { get; init; }
    public long? MaxTokensPerFeature { get; init; }
    public decimal? MaxCostPerFeature { get; init; }
}
