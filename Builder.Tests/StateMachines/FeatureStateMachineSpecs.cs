using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Events;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Builder.Tests.StateMachines;

public sealed class FeatureStateMachineSpecs : IAsyncLifetime
{
    SagaHost _host = null!;
    readonly Guid _id = Guid.NewGuid();
    readonly Guid _tenant = Guid.NewGuid();

    public async Task InitializeAsync() => _host = await SagaHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    Task Publish(object message) => _host.Harness.Bus.Publish(message);

    async Task RequestAsync(ApprovalMode mode = ApprovalMode.Auto)
    {
        await Publish(new FeatureRequested(_id, _tenant, mode, "tester"));
        await _host.WaitForStateAsync(_id, "Planning");
    }

    async Task<bool> PublishedAsync<T>(Func<T, bool> match) where T : class =>
        await _host.Harness.Published.Any<T>(m => m.Context.Message is var message && match(message));

    [Fact]
    public async Task A_requested_feature_starts_planning()
    {
        await RequestAsync();

        (await PublishedAsync<PlanFeature>(m => m.FeatureId == _id && m.Attempt == 1)).ShouldBeTrue();
        var state = await _host.StateAsync(_id);
        state!.Phase.ShouldBe("plan");
        state.TenantId.ShouldBe(_tenant);
    }

    [Fact]
    public async Task An_auto_feature_goes_from_phase_to_phase_to_Completed()
    {
        await RequestAsync();
        await Publish(new FeaturePlanned(_id, 1, "abc123"));
        await _host.WaitForStateAsync(_id, "Generating");
        (await PublishedAsync<GenerateChange>(m => m.FeatureId == _id && m.BaseCommit == "abc123")).ShouldBeTrue();

        await Publish(new ChangeGenerated(_id, 1, 2));
        await _host.WaitForStateAsync(_id, "Building");
        await Publish(new ChangeBuilt(_id, 1));
        await _host.WaitForStateAsync(_id, "Verifying");
        await Publish(new ChangeVerified(_id, 1));
        await _host.WaitForStateAsync(_id, "Delivering");
        await Publish(new ChangeDelivered(_id, 1, "builder/x", "deadbeef"));
        await _host.WaitForStateAsync(_id, "Deploying");
        await Publish(new ChangeDeployed(_id, 1, Skipped: true));
        await _host.WaitForStateAsync(_id, "CheckingHealth");
        await Publish(new HealthChecked(_id, 1, Healthy: true, RolledBack: false, Skipped: true));

        var done = await _host.WaitForStateAsync(_id, "Completed");
        done.Branch.ShouldBe("builder/x");
        done.CommitSha.ShouldBe("deadbeef");
    }

    async Task ReachDeployAsync()
    {
        await RequestAsync();
        await Publish(new FeaturePlanned(_id, 1, "abc123"));
        await _host.WaitForStateAsync(_id, "Generating");
        await Publish(new ChangeGenerated(_id, 1, 2));
        await _host.WaitForStateAsync(_id, "Building");
        await Publish(new ChangeBuilt(_id, 1));
        await _host.WaitForStateAsync(_id, "Verifying");
        await Publish(new ChangeVerified(_id, 1));
        await _host.WaitForStateAsync(_id, "Delivering");
        await Publish(new ChangeDelivered(_id, 1, "builder/x", "deadbeef"));
        await _host.WaitForStateAsync(_id, "Deploying");
    }

    [Fact]
    public async Task A_version_that_could_not_be_deployed_ends_RolledBack_from_Deploy_without_a_health_check()
    {
        await ReachDeployAsync();
        await Publish(new ChangeDeployed(_id, 1, Skipped: false, "Version 2 of api was rolled back: the deploy failed: publish exited 3; version 1 still serves."));

        var done = await _host.WaitForStateAsync(_id, "RolledBack");
        done.ErrorCode.ShouldBe("rolled_back");
        done.FailedPhase.ShouldBe("deploy");
        done.ErrorMessage.ShouldNotBeNull().ShouldContain("version 1 still serves");
        done.Phase.ShouldBe("deploy");
    }

    async Task ReachHealthCheckAsync()
    {
        await ReachDeployAsync();
        await Publish(new ChangeDeployed(_id, 1, Skipped: false));
        await _host.WaitForStateAsync(_id, "CheckingHealth");
    }

    [Fact]
    public async Task An_unhealthy_version_rolled_back_ends_RolledBack_with_the_reason()
    {
        await ReachHealthCheckAsync();
        await Publish(new HealthChecked(_id, 1, Healthy: false, RolledBack: true, Skipped: false, "readiness failed: /health answered 500",
            new Dictionary<string, double> { ["successRate"] = 0 }));

        var done = await _host.WaitForStateAsync(_id, "RolledBack");
        done.ErrorCode.ShouldBe("rolled_back");
        done.FailedPhase.ShouldBe("healthcheck");
        done.ErrorMessage.ShouldBe("readiness failed: /health answered 500");
    }

    [Fact]
    public async Task An_unhealthy_version_whose_rollback_did_not_complete_ends_Failed_instead_of_stalling()
    {
        await ReachHealthCheckAsync();
        await Publish(new HealthChecked(_id, 1, Healthy: false, RolledBack: false, Skipped: false, "the previous version did not answer either"));

        var done = await _host.WaitForStateAsync(_id, "Failed");
        done.ErrorCode.ShouldBe("unhealthy");
        done.ErrorMessage.ShouldBe("the previous version did not answer either");
    }

    [Fact]
    public async Task A_failure_during_HealthCheck_ends_Failed()
    {
        await ReachHealthCheckAsync();
        await Publish(new PhaseFailed(_id, 1, "healthcheck", "internal_error", "probe crashed", true));

        (await _host.WaitForStateAsync(_id, "Failed")).ErrorCode.ShouldBe("internal_error");
    }

    [Fact]
    public async Task A_checkpoints_feature_waits_at_the_plan_gate_until_approved()
    {
        await RequestAsync(ApprovalMode.Checkpoints);
        await Publish(new FeaturePlanned(_id, 1, "abc123"));

        var gated = await _host.WaitForStateAsync(_id, "AwaitingPlanApproval");
        gated.Gate.ShouldBe("plan");
        (await _host.Harness.Published.Any<GenerateChange>(m => m.Context.Message.FeatureId == _id)).ShouldBeFalse();

        await Publish(new FeatureApproved(_id, "reviewer"));
        await _host.WaitForStateAsync(_id, "Generating");
        // The state is saved with the transition; the harness may see the message the transition sends a moment later.
        await Eventually.Until(() => PublishedAsync<GenerateChange>(m => m.FeatureId == _id), published => published, "GenerateChange published",
            TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_revision_starts_a_new_attempt_and_results_of_the_old_one_are_ignored()
    {
        await RequestAsync(ApprovalMode.Checkpoints);
        await Publish(new FeaturePlanned(_id, 1, "abc123"));
        await _host.WaitForStateAsync(_id, "AwaitingPlanApproval");

        await Publish(new FeatureRevisionRequested(_id, "reviewer", "smaller please"));
        var replanning = await _host.WaitForStateAsync(_id, "Planning");
        replanning.Attempt.ShouldBe(2);
        replanning.RevisionNotes.ShouldBe("smaller please");
        (await PublishedAsync<PlanFeature>(m => m.FeatureId == _id && m.Attempt == 2 && m.RevisionNotes == "smaller please")).ShouldBeTrue();

        await Publish(new FeaturePlanned(_id, 1, "stale"));
        (await _host.Saga.Consumed.Any<FeaturePlanned>(m => m.Context.Message.FeatureId == _id && m.Context.Message.BaseCommit == "stale")).ShouldBeTrue();
        (await _host.StateAsync(_id))!.CurrentState.ShouldBe("Planning", "a result of attempt 1 must not move attempt 2");

        await Publish(new FeaturePlanned(_id, 2, "fresh"));
        (await _host.WaitForStateAsync(_id, "AwaitingPlanApproval")).BaseCommit.ShouldBe("fresh");
    }

    [Fact]
    public async Task A_rejection_at_a_gate_ends_the_run_Rejected()
    {
        await RequestAsync(ApprovalMode.Final);
        await Publish(new FeaturePlanned(_id, 1, "abc"));
        await Publish(new ChangeGenerated(_id, 1, 1));
        await _host.WaitForStateAsync(_id, "Building");
        await Publish(new ChangeBuilt(_id, 1));
        await _host.WaitForStateAsync(_id, "Verifying");
        await Publish(new ChangeVerified(_id, 1));
        (await _host.WaitForStateAsync(_id, "AwaitingReleaseApproval")).Gate.ShouldBe("release");

        await Publish(new FeatureRejected(_id, "reviewer", "no"));
        await _host.WaitForStateAsync(_id, "Rejected");
    }

    [Fact]
    public async Task A_phase_failure_ends_the_run_Failed_with_its_error()
    {
        await RequestAsync();
        await Publish(new PhaseFailed(_id, 1, "plan", "branch_not_found", "The branch 'main' does not exist.", false));

        var failed = await _host.WaitForStateAsync(_id, "Failed");
        failed.ErrorCode.ShouldBe("branch_not_found");
        failed.FailedPhase.ShouldBe("plan");
        failed.ErrorMessage.ShouldBe("The branch 'main' does not exist.");
        failed.Retryable.ShouldBeFalse();
        var events = _host.Services.GetRequiredService<FeatureEventLog>();
        (await events.ReadAsync(_id)).ShouldContain(e => e.Type == EventTypes.FeatureFailed);
    }

    [Fact]
    public async Task A_cancellation_ends_a_running_feature_and_later_results_are_ignored()
    {
        await RequestAsync();
        await Publish(new FeatureCancellationRequested(_id, "tester", "stop"));
        await _host.WaitForStateAsync(_id, "Cancelled");

        await Publish(new FeaturePlanned(_id, 1, "late"));
        (await _host.Saga.Consumed.Any<FeaturePlanned>(m => m.Context.Message.FeatureId == _id && m.Context.Message.BaseCommit == "late")).ShouldBeTrue();
        (await _host.StateAsync(_id))!.CurrentState.ShouldBe("Cancelled");
    }

    [Fact]
    public async Task A_resume_reissues_the_current_phase_command()
    {
        await RequestAsync();
        await Publish(new FeaturePlanned(_id, 1, "abc123"));
        await _host.WaitForStateAsync(_id, "Generating");

        await Publish(new ResumeFeature(_id, "worker started"));

        await _host.Saga.Consumed.Any<ResumeFeature>(m => m.Context.Message.FeatureId == _id);
        await Eventually.True(() => _host.Harness.Published.Select<GenerateChange>(m => m.Context.Message.FeatureId == _id).Count() >= 2,
            "the Generate command issued again", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
        _host.Harness.Published.Select<GenerateChange>(m => m.Context.Message.FeatureId == _id).Count().ShouldBe(2);
        var events = await _host.Services.GetRequiredService<FeatureEventLog>().ReadAsync(_id);
        events.ShouldContain(e => e.Type == EventTypes.FeatureResumed);
    }
}
