using Builder.Core.Domain;
using MassTransit;

namespace Builder.Core.StateMachines;

/// <summary>
/// The saga instance of one feature run (CorrelationId = feature id). Persisted with optimistic
/// concurrency on <see cref="Version"/>.
/// </summary>
public sealed class FeatureState : SagaStateMachineInstance
{
    public Guid CorrelationId { get; set; }
    public Guid TenantId { get; set; }
    public string CurrentState { get; set; } = "Initial";
    public int Version { get; set; }

    public ApprovalMode ApprovalMode { get; set; }

    /// <summary>Incremented by each revision; phase messages of an older attempt are ignored.</summary>
    public int Attempt { get; set; } = 1;

    /// <summary>The attempt in which Plan last ran; fix rounds start new attempts from Generate.</summary>
    public int PlanAttempt { get; set; } = 1;

    /// <summary>"draft" or "agent": only an agent can fix its change from a failure.</summary>
    public string Author { get; set; } = "draft";

    public int FixRounds { get; set; }

    /// <summary>The failure the current Generate round must fix.</summary>
    public string? Feedback { get; set; }

    public string? Phase { get; set; }
    public DateTime? PhaseStartedAt { get; set; }
    public string? Gate { get; set; }
    public string? BaseCommit { get; set; }
    public string? Branch { get; set; }
    public string? CommitSha { get; set; }
    public string? RevisionNotes { get; set; }

    public string? ErrorCode { get; set; }
    public string? FailedPhase { get; set; }
    public string? ErrorMessage { get; set; }
    public bool Retryable { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
