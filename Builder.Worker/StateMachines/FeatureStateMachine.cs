using Builder.Core;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Core.StateMachines;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Builder.Worker.StateMachines;

/// <summary>
/// Decides the course of one feature run over the seven phases. It does no phase work itself: it
/// sends a phase command, waits for the phase's result, and moves on, stops at a gate, or ends.
/// </summary>
public sealed class FeatureStateMachine : MassTransitStateMachine<FeatureState>
{
    /// <summary>Failures an author can fix from their message: the compiler's errors, the failing tests, the broken contract.</summary>
    public static readonly IReadOnlySet<string> FixableErrors = new HashSet<string> { "build_failed", "tests_failed", "integrity_violation", "policy_violation" };

    /// <summary>The agent's failure code when its next model call would pass the feature's token or cost limit: the run waits at the "budget" gate.</summary>
    public const string BudgetExceeded = "budget_exceeded";

    readonly FeatureEventLog _events;
    readonly int _maxFixRounds;

    public FeatureStateMachine(FeatureEventLog events, IOptions<BuilderOptions> options)
    {
        _events = events;
        _maxFixRounds = options.Value.Pipeline.MaxFixRounds;
        InstanceState(x => x.CurrentState);

        Event(() => Requested, x => x.CorrelateById(m => m.Message.FeatureId));
        Event(() => Approved, x => { x.CorrelateById(m => m.Message.FeatureId); x.OnMissingInstance(m => m.Discard()); });
        Event(() => Rejection, x => { x.CorrelateById(m => m.Message.FeatureId); x.OnMissingInstance(m => m.Discard()); });
        Event(() => RevisionRequested, x => { x.CorrelateById(m => m.Message.FeatureId); x.OnMissingInstance(m => m.Discard()); });
        Event(() => CancellationRequested, x => { x.CorrelateById(m => m.Message.FeatureId); x.OnMissingInstance(m => m.Discard()); });
        Event(() => RetryRequested, x => { x.CorrelateById(m => m.Message.FeatureId); x.OnMissingInstance(m => m.Discard()); });
        Event(() => ResumeRequested, x => { x.CorrelateById(m => m.Message.FeatureId); x.OnMissingInstance(m => m.Discard()); });
        Event(() => Planned, x => { x.CorrelateById(m => m.Message.FeatureId); x.OnMissingInstance(m => m.Discard()); });
        Event(() => Generated, x => { x.CorrelateById(m => m.Message.FeatureId); x.OnMissingInstance(m => m.Discard()); });
        Event(() => Built, x => { x.CorrelateById(m => m.Message.FeatureId); x.OnMissingInstance(m => m.Discard()); });
        Event(() => Verified, x => { x.CorrelateById(m => m.Message.FeatureId); x.OnMissingInstance(m => m.Discard()); });
        Event(() => Delivered, x => { x.CorrelateById(m => m.Message.FeatureId); x.OnMissingInstance(m => m.Discard()); });
        Event(() => Deployed, x => { x.CorrelateById(m => m.Message.FeatureId); x.OnMissingInstance(m => m.Discard()); });
        Event(() => HealthChecked, x => { x.CorrelateById(m => m.Message.FeatureId); x.OnMissingInstance(m => m.Discard()); });
        Event(() => PhaseFailed, x => { x.CorrelateById(m => m.Message.FeatureId); x.OnMissingInstance(m => m.Discard()); });

        // Results of an older attempt, approvals of a run that moved on, duplicates: nothing to decide.
        OnUnhandledEvent(x => x.Ignore());

        Initially(
            When(Requested)
                .Then(ctx =>
                {
                    ctx.Saga.TenantId = ctx.Message.TenantId;
                    ctx.Saga.ApprovalMode = ctx.Message.ApprovalMode;
                    ctx.Saga.Author = ctx.Message.Author;
                    ctx.Saga.Attempt = 1;
                    ctx.Saga.PlanAttempt = 1;
                    ctx.Saga.CreatedAt = DateTime.UtcNow;
                })
                .Then(ctx => Enter(ctx.Saga, Phase.Plan))
                .TransitionTo(Planning)
                .ThenAsync(PublishPhaseCommand));

        During(Planning,
            When(Planned, ctx => ctx.Message.Attempt == ctx.Saga.Attempt)
                .Then(ctx => ctx.Saga.BaseCommit = ctx.Message.BaseCommit)
                .IfElse(ctx => ctx.Saga.ApprovalMode == ApprovalMode.Checkpoints,
                    gate => gate.ThenAsync(ctx => OpenGate(ctx, "plan")).TransitionTo(AwaitingPlanApproval),
                    next => next.Then(ctx => Enter(ctx.Saga, Phase.Generate)).TransitionTo(Generating).ThenAsync(PublishPhaseCommand)));

        During(Generating,
            When(Generated, ctx => ctx.Message.Attempt == ctx.Saga.Attempt)
                .Then(ctx => Enter(ctx.Saga, Phase.Build)).TransitionTo(Building).ThenAsync(PublishPhaseCommand));

        During(Building,
            When(Built, ctx => ctx.Message.Attempt == ctx.Saga.Attempt)
                .Then(ctx => Enter(ctx.Saga, Phase.Verify)).TransitionTo(Verifying).ThenAsync(PublishPhaseCommand));

        During(Verifying,
            When(Verified, ctx => ctx.Message.Attempt == ctx.Saga.Attempt)
                .IfElse(ctx => ctx.Saga.ApprovalMode != ApprovalMode.Auto,
                    gate => gate.ThenAsync(ctx => OpenGate(ctx, "release")).TransitionTo(AwaitingReleaseApproval),
                    next => next.Then(ctx => Enter(ctx.Saga, Phase.Deliver)).TransitionTo(Delivering).ThenAsync(PublishPhaseCommand)));

        During(Delivering,
            When(Delivered, ctx => ctx.Message.Attempt == ctx.Saga.Attempt)
                .Then(ctx =>
                {
                    ctx.Saga.Branch = ctx.Message.Branch;
                    ctx.Saga.CommitSha = ctx.Message.CommitSha;
                })
                .Then(ctx => Enter(ctx.Saga, Phase.Deploy)).TransitionTo(Deploying).ThenAsync(PublishPhaseCommand));

        During(Deploying,
            When(Deployed, ctx => ctx.Message.Attempt == ctx.Saga.Attempt && ctx.Message.Failure is null)
                .Then(ctx => Enter(ctx.Saga, Phase.HealthCheck)).TransitionTo(CheckingHealth).ThenAsync(PublishPhaseCommand),
            // The new version never took traffic: what served before still serves, so the run is rolled back, not failed.
            When(Deployed, ctx => ctx.Message.Attempt == ctx.Saga.Attempt && ctx.Message.Failure is not null)
                .Then(ctx =>
                {
                    ctx.Saga.ErrorCode = "rolled_back";
                    ctx.Saga.FailedPhase = Phase.Deploy.Name();
                    ctx.Saga.ErrorMessage = ctx.Message.Failure;
                    ctx.Saga.Retryable = true;
                })
                .Then(ctx => Leave(ctx.Saga))
                .ThenAsync(ctx => Record(ctx, EventTypes.FeatureFailed, new
                {
                    rolledBack = true, errorCode = ctx.Saga.ErrorCode, phase = ctx.Saga.FailedPhase, message = ctx.Saga.ErrorMessage,
                }))
                .TransitionTo(RolledBack));

        During(CheckingHealth,
            When(HealthChecked, ctx => ctx.Message.Attempt == ctx.Saga.Attempt && ctx.Message.Healthy)
                .Then(ctx => Leave(ctx.Saga))
                .ThenAsync(ctx => Record(ctx, EventTypes.FeatureCompleted, new { branch = ctx.Saga.Branch, commitSha = ctx.Saga.CommitSha }))
                .TransitionTo(Completed),
            When(HealthChecked, ctx => ctx.Message.Attempt == ctx.Saga.Attempt && !ctx.Message.Healthy && ctx.Message.RolledBack)
                .Then(ctx => Unhealthy(ctx.Saga, ctx.Message, "rolled_back"))
                .Then(ctx => Leave(ctx.Saga))
                .ThenAsync(ctx => Record(ctx, EventTypes.FeatureFailed, new
                {
                    rolledBack = true, errorCode = ctx.Saga.ErrorCode, phase = ctx.Saga.FailedPhase, message = ctx.Saga.ErrorMessage, figures = ctx.Message.Figures,
                }))
                .TransitionTo(RolledBack),
            // The rollback itself did not complete: no state claims the previous version serves.
            When(HealthChecked, ctx => ctx.Message.Attempt == ctx.Saga.Attempt && !ctx.Message.Healthy && !ctx.Message.RolledBack)
                .Then(ctx => Unhealthy(ctx.Saga, ctx.Message, "unhealthy"))
                .Then(ctx => Leave(ctx.Saga))
                .ThenAsync(ctx => Record(ctx, EventTypes.FeatureFailed, new
                {
                    rolledBack = false, errorCode = ctx.Saga.ErrorCode, phase = ctx.Saga.FailedPhase, message = ctx.Saga.ErrorMessage, figures = ctx.Message.Figures,
                }))
                .TransitionTo(Failed));

        During(AwaitingPlanApproval,
            When(Approved)
                .ThenAsync(ctx => Record(ctx, EventTypes.ApprovalGranted, new { gate = "plan", by = ctx.Message.By }))
                .Then(ctx => Enter(ctx.Saga, Phase.Generate)).TransitionTo(Generating).ThenAsync(PublishPhaseCommand));

        During(AwaitingReleaseApproval,
            When(Approved)
                .ThenAsync(ctx => Record(ctx, EventTypes.ApprovalGranted, new { gate = "release", by = ctx.Message.By }))
                .Then(ctx => Enter(ctx.Saga, Phase.Deliver)).TransitionTo(Delivering).ThenAsync(PublishPhaseCommand));

        During(AwaitingPlanApproval, AwaitingReleaseApproval, AwaitingBudgetApproval,
            When(Rejection)
                .ThenAsync(ctx => Record(ctx, EventTypes.FeatureRejected, new { gate = ctx.Saga.Gate, by = ctx.Message.By, reason = ctx.Message.Reason }))
                .Then(ctx => Leave(ctx.Saga))
                .TransitionTo(Rejected),
            When(RevisionRequested)
                .ThenAsync(ctx => Record(ctx, EventTypes.RevisionRequested, new { gate = ctx.Saga.Gate, by = ctx.Message.By, notes = ctx.Message.Notes }))
                .Then(ctx =>
                {
                    ctx.Saga.Attempt++;
                    ctx.Saga.PlanAttempt = ctx.Saga.Attempt;
                    ctx.Saga.FixRounds = 0;
                    ctx.Saga.Feedback = null;
                    ctx.Saga.RevisionNotes = ctx.Message.Notes;
                    ctx.Saga.BaseCommit = null;
                })
                .Then(ctx => Enter(ctx.Saga, Phase.Plan)).TransitionTo(Planning).ThenAsync(PublishPhaseCommand));

        // The budget gate: the agent stopped before a model call that would pass the feature's limits.
        // Approving (after raising the limit) runs the step again as a new attempt; what the model
        // already answered is reused from the recorded transcript, so nothing is paid twice.
        During(Planning, Generating,
            When(PhaseFailed, ctx => ctx.Message.Attempt == ctx.Saga.Attempt && PausesForBudget(ctx.Message))
                .Then(ctx => ctx.Saga.Gate = "budget")
                .ThenAsync(ctx => Record(ctx, EventTypes.ApprovalRequested, new { gate = "budget", phase = ctx.Message.Phase, reason = ctx.Message.Message }))
                .TransitionTo(AwaitingBudgetApproval));

        During(AwaitingBudgetApproval,
            When(Approved)
                .ThenAsync(ctx => Record(ctx, EventTypes.ApprovalGranted, new { gate = "budget", by = ctx.Message.By }))
                .Then(ctx =>
                {
                    ctx.Saga.Attempt++;
                    if (ctx.Saga.Phase == Phase.Plan.Name())
                        ctx.Saga.PlanAttempt = ctx.Saga.Attempt;
                })
                .IfElse(ctx => ctx.Saga.Phase == Phase.Plan.Name(),
                    plan => plan.Then(ctx => Enter(ctx.Saga, Phase.Plan)).TransitionTo(Planning).ThenAsync(PublishPhaseCommand),
                    generate => generate.Then(ctx => Enter(ctx.Saga, Phase.Generate)).TransitionTo(Generating).ThenAsync(PublishPhaseCommand)));

        // The auto-fix hook: an author that can fix its change gets the failure back, a bounded number of times.
        During(Building, Verifying,
            When(PhaseFailed, ctx => ctx.Message.Attempt == ctx.Saga.Attempt && CanFix(ctx.Saga, ctx.Message))
                .Then(ctx =>
                {
                    ctx.Saga.FixRounds++;
                    ctx.Saga.Attempt++;
                    ctx.Saga.Feedback = $"{ctx.Message.Phase} failed ({ctx.Message.ErrorCode}): {ctx.Message.Message}";
                })
                .ThenAsync(ctx => _events.AppendAsync(ctx.Saga.CorrelationId, ctx.Saga.TenantId, EventTypes.FixRequested,
                    $"{EventTypes.FixRequested}:{ctx.Saga.Attempt}", new
                    {
                        round = ctx.Saga.FixRounds, of = _maxFixRounds, phase = ctx.Message.Phase, errorCode = ctx.Message.ErrorCode, message = ctx.Message.Message,
                    }, ctx.Message.Phase, ctx.MessageId, ctx.CancellationToken))
                .Then(ctx => Enter(ctx.Saga, Phase.Generate)).TransitionTo(Generating).ThenAsync(PublishPhaseCommand));

        During(new[] { Planning, Generating, Building, Verifying, Delivering, Deploying, CheckingHealth },
            When(PhaseFailed, ctx => ctx.Message.Attempt == ctx.Saga.Attempt && !CanFix(ctx.Saga, ctx.Message) && !PausesForBudget(ctx.Message))
                .Then(ctx =>
                {
                    ctx.Saga.ErrorCode = ctx.Message.ErrorCode;
                    ctx.Saga.FailedPhase = ctx.Message.Phase;
                    ctx.Saga.ErrorMessage = ctx.Message.Message;
                    ctx.Saga.Retryable = ctx.Message.Retryable;
                })
                .ThenAsync(ctx => Record(ctx, EventTypes.FeatureFailed, new
                {
                    errorCode = ctx.Message.ErrorCode, phase = ctx.Message.Phase, message = ctx.Message.Message, retryable = ctx.Message.Retryable,
                }))
                .Then(ctx => Leave(ctx.Saga))
                .TransitionTo(Failed),
            When(ResumeRequested)
                .ThenAsync(ctx => _events.AppendAsync(ctx.Saga.CorrelationId, ctx.Saga.TenantId, EventTypes.FeatureResumed,
                    $"resumed:{ctx.MessageId ?? NewId.NextGuid()}", new { phase = ctx.Saga.Phase, reason = ctx.Message.Reason }, ctx.Saga.Phase))
                .ThenAsync(PublishPhaseCommand));

        During(new[] { Completed, Failed, Cancelled, Rejected, RolledBack },
            When(RetryRequested)
                .Then(ctx =>
                {
                    ctx.Saga.Attempt++;
                    ctx.Saga.PlanAttempt = ctx.Saga.Attempt;
                    ctx.Saga.FixRounds = 0;
                    ctx.Saga.Feedback = null;
                    ctx.Saga.BaseCommit = null;
                    ctx.Saga.ErrorCode = ctx.Saga.ErrorMessage = ctx.Saga.FailedPhase = null;
                    ctx.Saga.Retryable = false;
                })
                .ThenAsync(ctx => Record(ctx, EventTypes.RetryRequested, new { by = ctx.Message.By }))
                .Then(ctx => Enter(ctx.Saga, Phase.Plan)).TransitionTo(Planning).ThenAsync(PublishPhaseCommand));

        DuringAny(
            When(CancellationRequested, ctx => !IsTerminal(ctx.Saga))
                .ThenAsync(ctx => Record(ctx, EventTypes.FeatureCancelled, new { by = ctx.Message.By, reason = ctx.Message.Reason, phase = ctx.Saga.Phase }))
                .Then(ctx => Leave(ctx.Saga))
                .TransitionTo(Cancelled));
    }

    public State Planning { get; private set; } = null!;
    public State AwaitingPlanApproval { get; private set; } = null!;
    public State Generating { get; private set; } = null!;
    public State Building { get; private set; } = null!;
    public State Verifying { get; private set; } = null!;
    public State AwaitingReleaseApproval { get; private set; } = null!;
    public State AwaitingBudgetApproval { get; private set; } = null!;
    public State Delivering { get; private set; } = null!;
    public State Deploying { get; private set; } = null!;
    public State CheckingHealth { get; private set; } = null!;
    public State Completed { get; private set; } = null!;
    public State Failed { get; private set; } = null!;
    public State Cancelled { get; private set; } = null!;

    public State Rejected { get; private set; } = null!;
    public State RolledBack { get; private set; } = null!;

    public Event<FeatureRequested> Requested { get; private set; } = null!;
    public Event<FeatureApproved> Approved { get; private set; } = null!;
    public Event<FeatureRejected> Rejection { get; private set; } = null!;
    public Event<FeatureRevisionRequested> RevisionRequested { get; private set; } = null!;
    public Event<FeatureCancellationRequested> CancellationRequested { get; private set; } = null!;
    public Event<ResumeFeature> ResumeRequested { get; private set; } = null!;
    public Event<FeatureRetryRequested> RetryRequested { get; private set; } = null!;
    public Event<FeaturePlanned> Planned { get; private set; } = null!;
    public Event<ChangeGenerated> Generated { get; private set; } = null!;
    public Event<ChangeBuilt> Built { get; private set; } = null!;
    public Event<ChangeVerified> Verified { get; private set; } = null!;
    public Event<ChangeDelivered> Delivered { get; private set; } = null!;
    public Event<ChangeDeployed> Deployed { get; private set; } = null!;
    public Event<HealthChecked> HealthChecked { get; private set; } = null!;
    public Event<PhaseFailed> PhaseFailed { get; private set; } = null!;

    static void Enter(FeatureState saga, Phase phase)
    {
        saga.Phase = phase.Name();
        saga.PhaseStartedAt = DateTime.UtcNow;
        saga.Gate = null;
    }

    static void Leave(FeatureState saga) => saga.Gate = null;

    static void Unhealthy(FeatureState saga, HealthChecked result, string errorCode)
    {
        saga.ErrorCode = errorCode;
        saga.FailedPhase = Phase.HealthCheck.Name();
        saga.ErrorMessage = result.Reason ?? "The new version was not healthy.";
        saga.Retryable = true;
    }

    bool CanFix(FeatureState saga, PhaseFailed failure) =>
        saga.Author == "agent" && saga.FixRounds < _maxFixRounds && FixableErrors.Contains(failure.ErrorCode);

    static bool PausesForBudget(PhaseFailed failure) =>
        failure.ErrorCode == BudgetExceeded && (failure.Phase == Phase.Plan.Name() || failure.Phase == Phase.Generate.Name());

    static bool IsTerminal(FeatureState saga) => FeatureStatus.IsTerminal(saga.CurrentState);

    async Task OpenGate<T>(BehaviorContext<FeatureState, T> ctx, string gate) where T : class
    {
        ctx.Saga.Gate = gate;
        await Record(ctx, EventTypes.ApprovalRequested, new { gate });
    }

    /// <summary>Records a decision; keyed by type, attempt and gate, so a retried message records it once.</summary>
    Task Record<T>(BehaviorContext<FeatureState, T> ctx, string type, object payload) where T : class =>
        _events.AppendAsync(ctx.Saga.CorrelationId, ctx.Saga.TenantId, type, $"{type}:{ctx.Saga.Attempt}:{ctx.Saga.Gate ?? ctx.Saga.Phase}", payload,
            ctx.Saga.Phase, ctx.MessageId, ctx.CancellationToken);

    static Task PublishPhaseCommand<T>(BehaviorContext<FeatureState, T> ctx) where T : class =>
        ctx.Publish(PhaseCommand(ctx.Saga), ctx.CancellationToken);

    /// <summary>The command that starts (or, on resume, restarts) the saga's current phase.</summary>
    public static object PhaseCommand(FeatureState s) => s.Phase switch
    {
        "plan" => new PlanFeature(s.CorrelationId, s.Attempt, s.RevisionNotes),
        "generate" => new GenerateChange(s.CorrelationId, s.Attempt, s.BaseCommit!, s.Feedback),
        "build" => new BuildChange(s.CorrelationId, s.Attempt, s.BaseCommit!),
        "verify" => new VerifyChange(s.CorrelationId, s.Attempt, s.BaseCommit!),
        "deliver" => new DeliverChange(s.CorrelationId, s.Attempt, s.BaseCommit!),
        "deploy" => new DeployChange(s.CorrelationId, s.Attempt),
        "healthcheck" => new CheckHealth(s.CorrelationId, s.Attempt),
        _ => throw new InvalidOperationException($"Feature {s.CorrelationId} has no phase to run (phase '{s.Phase}')."),
    };
}
