using System.Text.Json;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Core.StateMachines;

namespace Builder.Api.Features;

public sealed record FeatureSummary(
    Guid Id, string Title, Guid RepositoryId, string RepositoryName, string Status, string? CurrentPhase, string? Gate,
    int ProgressPercent, ApprovalMode ApprovalMode, string RequestedBy, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record FeatureDetail(
    Guid Id, string Title, string Description, Guid RepositoryId, string RepositoryName, string TargetBranch, ApprovalMode ApprovalMode,
    string Status, string State, string? CurrentPhase, string? Gate, int ProgressPercent, int Attempt,
    IReadOnlyList<PhaseView> Phases, string? BaseCommit, string? Branch, string? CommitSha, FeatureError? Error, string? RevisionNotes,
    IReadOnlyList<DraftFileView> Draft, string RequestedBy, DateTime CreatedAt, DateTime UpdatedAt)
{
    /// <summary>Passed, failed and skipped counts and the test-integrity verdict of the last verification.</summary>
    public TestSummaryView? Tests { get; init; }

    /// <summary>When an admin archived the run (it is then off the board and the inbox), and who.</summary>
    public DateTime? ArchivedAt { get; init; }

    public string? ArchivedBy { get; init; }
}

public sealed record PhaseView(string Name, string Status, DateTime? StartedAt, DateTime? EndedAt, long? DurationMs, string? Reason);

public sealed record FeatureError(string Code, string? Phase, string Message, bool Retryable);

public sealed record DraftFileView(string Path, DraftFileMode Mode, int Bytes);

public sealed record FeatureEventView(long Sequence, string Type, string? Phase, DateTime Timestamp, JsonElement Payload, string Producer, Guid? CausationId);

public sealed record FeatureAccepted(Guid Id, string Status, string StatusUrl);

public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

/// <summary>Builds the API's views of a run from its saga state and its events.</summary>
public static class FeatureViews
{
    public static string Status(FeatureState? state) => FeatureStatus.Of(state?.CurrentState);

    /// <summary>Done (or skipped) phases out of seven; a finished run is 100.</summary>
    public static int Progress(FeatureState? state)
    {
        if (state is null)
            return 0;
        if (state.CurrentState == "Completed")
            return 100;
        var index = state.Phase is null ? 0 : Phases.All.ToList().FindIndex(p => p.Name() == state.Phase);
        return (int)Math.Round(100.0 * Math.Max(index, 0) / Phases.All.Count);
    }

    public static FeatureSummary Summary(Feature feature, string repositoryName, FeatureState? state) => new(
        feature.Id, feature.Title, feature.RepositoryId, repositoryName, Status(state), state?.Phase, state?.Gate, Progress(state),
        feature.ApprovalMode, feature.RequestedBy, feature.CreatedAt, state?.UpdatedAt ?? feature.CreatedAt);

    public static FeatureDetail Detail(Feature feature, string repositoryName, FeatureState? state, IReadOnlyList<FeatureEvent> phaseEvents) => new(
        feature.Id, feature.Title, feature.Description, feature.RepositoryId, repositoryName, feature.TargetBranch, feature.ApprovalMode,
        Status(state), state?.CurrentState ?? "Initial", state?.Phase, state?.Gate, Progress(state), state?.Attempt ?? 1,
        PhaseViews(state, phaseEvents), state?.BaseCommit, state?.Branch, state?.CommitSha,
        state?.ErrorCode is null ? null : new FeatureError(state.ErrorCode, state.FailedPhase, state.ErrorMessage ?? "", state.Retryable),
        state?.RevisionNotes,
        feature.Draft.Select(f => new DraftFileView(f.Path, f.Mode, System.Text.Encoding.UTF8.GetByteCount(f.Content ?? ""))).ToList(),
        feature.RequestedBy, feature.CreatedAt, state?.UpdatedAt ?? feature.CreatedAt);

    /// <summary>Each phase's status in the current attempt, from phase.* events and the saga's position.</summary>
    static IReadOnlyList<PhaseView> PhaseViews(FeatureState? state, IReadOnlyList<FeatureEvent> events)
    {
        var views = new List<PhaseView>();
        foreach (var phase in Phases.All)
        {
            var name = phase.Name();
            // Fix rounds start new attempts at Generate; Plan keeps the attempt it last ran in.
            var attempt = phase == Phase.Plan ? state?.PlanAttempt ?? 1 : state?.Attempt ?? 1;
            var mine = events.Where(e => e.Phase == name && e.Key.StartsWith($"{name}:{attempt}:", StringComparison.Ordinal)).ToList();
            var started = mine.FirstOrDefault(e => e.Type == EventTypes.PhaseStarted);
            var ended = mine.LastOrDefault(e => e.Type is EventTypes.PhaseCompleted or EventTypes.PhaseSkipped or EventTypes.PhaseFailed);
            var status = ended?.Type switch
            {
                EventTypes.PhaseCompleted => "done",
                EventTypes.PhaseSkipped => "skipped",
                EventTypes.PhaseFailed => "failed",
                _ when state?.Phase == name && state.Gate is not null => "awaiting_approval",
                _ when state?.Phase == name && state.CurrentState == "Cancelled" => "cancelled",
                _ when state?.Phase == name && !FeatureStatus.IsTerminal(state.CurrentState) => started is null ? "queued" : "running",
                _ => "pending",
            };
            // A gate sits after the phase that opened it: the plan gate after Plan, the release gate after Verify.
            if (status == "done" && state?.Gate is not null && state.Phase == name)
                status = "awaiting_approval";
            string? reason = null;
            long? duration = null;
            if (ended is not null)
            {
                using var payload = JsonDocument.Parse(ended.Payload);
                if (payload.RootElement.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String)
                    reason = r.GetString();
                if (payload.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                    reason ??= m.GetString();
                if (payload.RootElement.TryGetProperty("durationMs", out var d) && d.TryGetInt64(out var ms))
                    duration = ms;
            }

            views.Add(new PhaseView(name, status, started?.Timestamp, ended?.Timestamp, duration, reason));
        }

        return views;
    }

    public static FeatureEventView Event(FeatureEvent e)
    {
        using var payload = JsonDocument.Parse(e.Payload);
        return new FeatureEventView(e.Sequence, e.Type, e.Phase, e.Timestamp, payload.RootElement.Clone(), e.Producer, e.CausationId);
    }
}
