using System.Text.Json;
using Builder.Core.Events;
using Builder.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Status;

/// <summary>
/// Reads what a tenant's runs said over a time window, for GET /api/insights and the MCP tool
/// query_telemetry_insights. Everything comes from the event store: phase.* for timings,
/// feature.* for outcomes and failure reasons, llm.call for model usage.
/// </summary>
public static class TelemetryInsightsReader
{
    public const int MaxHours = 24 * 90;
    const string LlmCall = "llm.call";

    static readonly string[] Types =
    [
        EventTypes.FeatureCompleted, EventTypes.FeatureFailed, EventTypes.FeatureCancelled, EventTypes.FeatureRejected,
        EventTypes.PhaseCompleted, EventTypes.PhaseFailed, LlmCall,
    ];

    static readonly string[] TerminalStates = [.. Builder.Core.Contracts.RunVocabulary.TerminalStatuses];

    public static async Task<TelemetryInsights> ReadAsync(Guid tenantId, double hours, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var to = DateTime.UtcNow;
        var from = to - TimeSpan.FromHours(hours);
        var submitted = await db.Features.CountAsync(f => f.TenantId == tenantId && f.CreatedAt >= from, cancellationToken);

        // Only runs still going or changed in the window can have events in it; their ids use the (feature, sequence) index.
        var ids = await db.FeatureStates.AsNoTracking()
            .Where(s => s.TenantId == tenantId && (s.UpdatedAt >= from || !TerminalStates.Contains(s.CurrentState)))
            .Select(s => s.CorrelationId).ToListAsync(cancellationToken);
        var events = await db.FeatureEvents.AsNoTracking()
            .Where(e => ids.Contains(e.FeatureId) && e.TenantId == tenantId && e.Timestamp >= from && Types.Contains(e.Type))
            .Select(e => new Row(e.FeatureId, e.Type, e.Phase, e.Payload, e.Timestamp))
            .ToListAsync(cancellationToken);

        var parsed = events.Select(e => (Row: e, Payload: Parse(e.Payload))).ToList();
        var failures = parsed.Where(e => e.Row.Type == EventTypes.FeatureFailed).ToList();
        var rolledBack = failures.Count(f => Bool(f.Payload, "rolledBack"));
        var outcomes = new RunOutcomes(submitted, parsed.Count(e => e.Row.Type == EventTypes.FeatureCompleted), failures.Count - rolledBack, rolledBack,
            parsed.Count(e => e.Row.Type == EventTypes.FeatureCancelled), parsed.Count(e => e.Row.Type == EventTypes.FeatureRejected));
        var ended = outcomes.Completed + outcomes.Failed + outcomes.RolledBack;
        double? successRate = ended == 0 ? null : Math.Round((double)outcomes.Completed / ended, 4);

        return new TelemetryInsights(hours, from, to, outcomes, successRate, Durations(parsed), Reasons(failures), Usage(parsed));
    }

    static List<PhaseDurations> Durations(List<(Row Row, JsonElement Payload)> events) =>
        events.Where(e => e.Row.Type is EventTypes.PhaseCompleted or EventTypes.PhaseFailed && Long(e.Payload, "durationMs") is not null)
            .GroupBy(e => e.Row.Phase ?? Text(e.Payload, "phase") ?? "unknown")
            .Select(g =>
            {
                var sorted = g.Select(e => Long(e.Payload, "durationMs")!.Value).Order().ToList();
                return new PhaseDurations(g.Key, sorted.Count, g.Count(e => e.Row.Type == EventTypes.PhaseFailed),
                    Percentile(sorted, 50), Percentile(sorted, 95), sorted[^1]);
            })
            .OrderBy(p => PhaseOrder(p.Phase)).ToList();

    static List<FailureReason> Reasons(List<(Row Row, JsonElement Payload)> failures) =>
        failures.GroupBy(f => (Code: Text(f.Payload, "errorCode") ?? (Bool(f.Payload, "rolledBack") ? "rolled_back" : "unknown"),
                Phase: Text(f.Payload, "phase") ?? f.Row.Phase))
            .Select(g =>
            {
                var last = g.MaxBy(f => f.Row.Timestamp);
                return new FailureReason(g.Key.Code, g.Key.Phase, g.Count(), Text(last.Payload, "message") ?? g.Key.Code, last.Row.FeatureId, last.Row.Timestamp);
            })
            .OrderByDescending(r => r.Count).ThenByDescending(r => r.LastSeenAt).Take(5).ToList();

    static LlmUsage Usage(List<(Row Row, JsonElement Payload)> events)
    {
        var calls = events.Where(e => e.Row.Type == LlmCall)
            .Select(e => (Model: Text(e.Payload, "model") ?? "unknown", Input: Long(e.Payload, "inputTokens") ?? 0, Output: Long(e.Payload, "outputTokens") ?? 0,
                Cost: Decimal(e.Payload, "cost") ?? 0m))
            .ToList();
        var byModel = calls.GroupBy(c => c.Model)
            .Select(g => new ModelUsage(g.Key, g.Count(), g.Sum(c => c.Input), g.Sum(c => c.Output), g.Sum(c => c.Cost)))
            .OrderByDescending(m => m.Cost).ThenBy(m => m.Model).ToList();
        var input = calls.Sum(c => c.Input);
        var output = calls.Sum(c => c.Output);
        return new LlmUsage(calls.Count, input, output, input + output, calls.Sum(c => c.Cost), byModel);
    }

    /// <summary>Nearest rank: the smallest value that at least p percent of the values do not exceed.</summary>
    static long Percentile(List<long> sorted, int p) => sorted[Math.Max(0, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];

    static int PhaseOrder(string phase)
    {
        var index = Builder.Core.Domain.Phases.All.ToList().FindIndex(p => p.ToString().Equals(phase, StringComparison.OrdinalIgnoreCase));
        return index < 0 ? int.MaxValue : index;
    }

    static JsonElement Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }

    static JsonElement? Property(JsonElement payload, string name) =>
        payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty(name, out var value) ? value : null;

    static string? Text(JsonElement payload, string name) => Property(payload, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    static long? Long(JsonElement payload, string name) => Property(payload, name) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt64(out var n) ? n : null;

    static decimal? Decimal(JsonElement payload, string name) => Property(payload, name) is { ValueKind: JsonValueKind.Number } v && v.TryGetDecimal(out var d) ? d : null;

    static bool Bool(JsonElement payload, string name) => Property(payload, name) is { ValueKind: JsonValueKind.True };

    sealed record Row(Guid FeatureId, string Type, string? Phase, string Payload, DateTime Timestamp);
}
