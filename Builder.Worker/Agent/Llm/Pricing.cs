using Builder.Core.Llm;

namespace Builder.Worker.Agent.Llm;

/// <summary>What tokens cost, from Builder:Llm:Prices (per million tokens, per model).</summary>
public static class Pricing
{
    public static long CostMicros(LlmOptions options, string model, long inputTokens, long outputTokens)
    {
        if (!options.Prices.TryGetValue(model, out var price))
            return 0;
        return Money.ToMicros((inputTokens * price.InputPerMillion + outputTokens * price.OutputPerMillion) / 1_000_000m);
    }
}
