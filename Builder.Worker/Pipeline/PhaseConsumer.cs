using System.Diagnostics;
using System.Text.Json;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Core.StateMachines;
using Builder.Worker.Workspaces;
using MassTransit;

namespace Builder.Worker.Pipeline;

/// <summary>What a phase produced: the event for the saga, and whether the phase had nothing to do.</summary>
public sealed record PhaseOutcome(object Result, bool Skipped = false, string? Reason = null);

/// <summary>
/// The frame every phase runs in. It makes phase work idempotent — a command of an older attempt,
/// or of a phase the run has left, is ignored; a phase already done re-publishes its recorded result
/// instead of working again — and turns the phase's outcome into events and a message for the saga.
/// </summary>
public abstract class PhaseConsumer<TCommand>(PhaseServices services) : IConsumer<TCommand>
    where TCommand : class, IPhaseCommand
{
    static readonly ActivitySource Activity = new("Builder");

    protected abstract Phase Phase { get; }

    protected PhaseServices Services => services;

    protected abstract Task<PhaseOutcome> RunAsync(PhaseRun run, TCommand command);

    public async Task Consume(ConsumeContext<TCommand> context)
    {
        var command = context.Message;
        var loaded = await services.LoadAsync(command.FeatureId, context.CancellationToken);
        if (loaded is not var (feature, repository, state))
            return;

        if (state.Attempt != command.Attempt || state.Phase != Phase.Name() || FeatureStatus.IsTerminal(state.CurrentState))
        {
            services.Logger.LogInformation("Ignoring {Command} for feature {FeatureId} attempt {Attempt}: the run is at {State}/{Phase} attempt {Current}",
                typeof(TCommand).Name, command.FeatureId, command.Attempt, state.CurrentState, state.Phase, state.Attempt);
            return;
        }

        // The result is published only after this worker stops tracking the run: the saga may answer
        // with the next phase's command at once, and this worker must be free to take it.
        var result = await RunTrackedAsync(context, feature, repository, state);
        if (result is not null)
            await context.Publish(result, context.CancellationToken);
    }

    /// <summary>Does the phase's work once per worker and attempt; returns the message for the saga, or null.</summary>
    async Task<object?> RunTrackedAsync(ConsumeContext<TCommand> context, Feature feature, Repository repository, FeatureState state)
    {
        var command = context.Message;
        using var tracking = services.RunningWork.TryTrack(command.FeatureId, context.CancellationToken, out var token);
        if (tracking is null)
        {
            services.Logger.LogInformation("Ignoring {Command} for feature {FeatureId}: this worker is already running it", typeof(TCommand).Name, command.FeatureId);
            return null;
        }

        var doneKey = $"{Phase.Name()}:{command.Attempt}:done";
        if (await services.Events.FindAsync(command.FeatureId, doneKey, context.CancellationToken) is { } done)
            return RecordedResult(done);

        using var activity = Activity.StartActivity($"phase {Phase.Name()}");
        activity?.SetTag("builder.feature_id", command.FeatureId);
        activity?.SetTag("builder.attempt", command.Attempt);

        var run = new PhaseRun(Phase, command.Attempt, feature, repository, state, services.Events, services.Artifacts, token);
        await services.Events.AppendAsync(feature.Id, feature.TenantId, EventTypes.PhaseStarted, $"{Phase.Name()}:{command.Attempt}:started",
            new { phase = Phase.Name(), attempt = command.Attempt }, Phase.Name(), context.MessageId, CancellationToken.None);

        var stopwatch = Stopwatch.StartNew();
        try
        {
            var outcome = await RunAsync(run, command);
            await services.Events.AppendAsync(feature.Id, feature.TenantId, outcome.Skipped ? EventTypes.PhaseSkipped : EventTypes.PhaseCompleted, doneKey,
                new
                {
                    phase = Phase.Name(), attempt = command.Attempt, durationMs = stopwatch.ElapsedMilliseconds, reason = outcome.Reason,
                    resultType = ResultTypeName(outcome.Result.GetType()), result = outcome.Result,
                }, Phase.Name(), context.MessageId, CancellationToken.None);
            return outcome.Result;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            // The run was cancelled: the saga has already ended it; the phase's processes are gone.
            services.Logger.LogInformation("Phase {Phase} of feature {FeatureId} stopped: the run was cancelled", Phase.Name(), feature.Id);
            return null;
        }
        catch (Exception ex) when (Failure(ex, context) is { } failure)
        {
            await services.Events.AppendAsync(feature.Id, feature.TenantId, EventTypes.PhaseFailed, $"{Phase.Name()}:{command.Attempt}:failed",
                new { phase = Phase.Name(), attempt = command.Attempt, durationMs = stopwatch.ElapsedMilliseconds, errorCode = failure.ErrorCode, message = failure.Message },
                Phase.Name(), context.MessageId, CancellationToken.None);
            return failure;
        }
    }

    /// <summary>
    /// The failure to report, or null to let the endpoint retry: an unexpected, possibly transient
    /// error (a git remote that did not answer) gets the endpoint's retries before it fails the run.
    /// </summary>
    PhaseFailed? Failure(Exception ex, ConsumeContext<TCommand> context)
    {
        var command = context.Message;
        switch (ex)
        {
            case PhaseFailedException failed:
                return new PhaseFailed(command.FeatureId, command.Attempt, Phase.Name(), failed.ErrorCode, failed.Message, failed.Retryable);
            case PathPolicyException policy:
                return new PhaseFailed(command.FeatureId, command.Attempt, Phase.Name(), "path_refused", policy.Message, false);
            case BranchNotFoundException branch:
                return new PhaseFailed(command.FeatureId, command.Attempt, Phase.Name(), "branch_not_found", branch.Message, false);
            case OperationCanceledException:
                return null;
        }

        if (context.GetRetryAttempt() < PhaseEndpoint.Retries)
            return null;

        services.Logger.LogError(ex, "Phase {Phase} of feature {FeatureId} failed", Phase.Name(), command.FeatureId);
        var code = ex is GitException ? "git_failed" : "internal_error";
        return new PhaseFailed(command.FeatureId, command.Attempt, Phase.Name(), code, ex.Message, Retryable: true);
    }

    static string ResultTypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    static object RecordedResult(FeatureEvent done)
    {
        using var payload = JsonDocument.Parse(done.Payload);
        var type = Type.GetType(payload.RootElement.GetProperty("resultType").GetString()!, throwOnError: true)!;
        return payload.RootElement.GetProperty("result").Deserialize(type, FeatureEventLog.Json)!;
    }
}
