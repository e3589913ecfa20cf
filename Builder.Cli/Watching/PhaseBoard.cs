using Builder.Core.Contracts;
using System.Text.Json.Nodes;

namespace Builder.Cli.Watching;

/// <summary>One phase of a run as the watcher shows it.</summary>
public sealed class PhaseState(string name)
{
    public string Name { get; } = name;
    public string Status { get; set; } = "pending";
    public int Attempt { get; set; }
    public DateTime? StartedAt { get; set; }
    public long? DurationMs { get; set; }
    public string? Note { get; set; }
}

/// <summary>
/// The seven phases, kept up to date from the run's events. A later attempt of a phase (a revision
/// or a fix round) starts it, and every phase after it, afresh.
/// </summary>
public sealed class PhaseBoard
{
    public static readonly string[] Names = [.. RunVocabulary.PhaseNames];

    public static readonly string[] TerminalEvents = ["feature.completed", "feature.failed", "feature.cancelled", "feature.rejected"];

    public IReadOnlyList<PhaseState> Phases { get; } = Names.Select(n => new PhaseState(n)).ToList();

    /// <summary>Applies one event; returns the phase it changed, if any.</summary>
    public PhaseState? Apply(JsonNode e)
    {
        var type = (string?)e["type"];
        var payload = e["payload"];
        var phase = Phases.FirstOrDefault(p => p.Name == ((string?)e["phase"] ?? (string?)payload?["phase"]));
        var attempt = (int?)payload?["attempt"] ?? phase?.Attempt ?? 1;
        if (phase is null || attempt < phase.Attempt)
            return null;
        switch (type)
        {
            case "phase.started":
                if (attempt > phase.Attempt)
                    foreach (var later in Phases.SkipWhile(p => p != phase))
                    {
                        later.Status = "pending";
                        later.DurationMs = null;
                        later.Note = null;
                    }

                phase.Attempt = attempt;
                phase.Status = "running";
                phase.StartedAt = (DateTime?)e["timestamp"] ?? DateTime.UtcNow;
                return phase;
            case "phase.completed":
            case "phase.skipped":
            case "phase.failed":
                phase.Attempt = attempt;
                phase.Status = type switch { "phase.completed" => "done", "phase.skipped" => "skipped", _ => "failed" };
                phase.DurationMs = (long?)payload?["durationMs"];
                phase.Note = (string?)payload?["reason"] ?? (string?)payload?["message"];
                return phase;
            case "approval.requested":
                phase.Status = "awaiting_approval";
                return phase;
            case "approval.granted":
                if (phase.Status == "awaiting_approval")
                    phase.Status = "done";
                return phase;
            case "feature.cancelled":
                if (phase.Status == "running")
                    phase.Status = "cancelled";
                return phase;
            default:
                return null;
        }
    }
}
