using System.Security.Claims;
using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Llm;
using Builder.Core.Events;
using Builder.Core.Persistence;
using Builder.Core.Security;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Builder.Api.Features;

/// <summary>What a caller asks to run; the endpoint has checked the fields that are its own (title, description, branch).</summary>
public sealed record FeatureSubmission(
    Guid? RepositoryId, string Title, string Description, string? TargetBranch, ApprovalMode? ApprovalMode, DraftRequest? Draft, bool? TestsRequired,
    string? IdempotencyKey, string RequestHash, Guid? FeatureId = null);

/// <summary>How a submission ended: a new run, the run an earlier identical submission started, or why not.</summary>
public sealed record SubmissionOutcome(Feature? Feature, bool Created, bool SameRequest, Validation? Invalid);

/// <summary>
/// The one way a feature run starts, whether from POST /api/features or from applying a task: checks
/// the repository and the draft against its policy, stores the feature once per idempotency key,
/// records feature.requested and hands the run to the saga.
/// </summary>
public sealed class FeatureSubmitter(
    BuilderDbContext db, FeatureEventLog events, IPublishEndpoint publisher, IOptions<BuilderOptions> options, Git git, CredentialProtector protector)
{
    public async Task<SubmissionOutcome> SubmitAsync(FeatureSubmission request, ClaimsPrincipal caller, Validation validation, CancellationToken cancellationToken)
    {
        var tenantId = caller.TenantId();
        Repository? repository = null;
        if (request.RepositoryId is { } repositoryId && repositoryId != Guid.Empty && validation.Errors("repositoryId") == 0)
        {
            repository = await db.Repositories.AsNoTracking().FirstOrDefaultAsync(r => r.Id == repositoryId && r.TenantId == tenantId && r.RemovedAt == null, cancellationToken);
            if (repository is null)
                validation.Add("repositoryId", $"No repository {repositoryId} is registered in this tenant.");
        }

        // Without a draft, Builder's agent writes the change: that needs a model for this repository.
        var noModel = LlmSettings.Resolve(options.Value.Llm, repository?.Settings ?? new RepositorySettings()).Problem;
        var draft = DraftValidation.Validate(request.Draft, repository?.Settings ?? new RepositorySettings(), options.Value.Limits, validation, noModel);
        if (validation.IsValid && request.TargetBranch is { } targetBranch && targetBranch != repository!.DefaultBranch)
            await CheckBranchAsync(repository, targetBranch, validation, cancellationToken);
        if (!validation.IsValid)
            return new SubmissionOutcome(null, false, false, validation);

        if (request.IdempotencyKey is { } idempotencyKey)
        {
            var existing = await db.Features.AsNoTracking().FirstOrDefaultAsync(f => f.TenantId == tenantId && f.IdempotencyKey == idempotencyKey, cancellationToken);
            if (existing is not null)
                return new SubmissionOutcome(existing, false, existing.RequestHash == request.RequestHash, null);
        }

        var requiredReviews = repository!.Settings.RequiredReviews;
        var approvalMode = request.ApprovalMode ?? ApprovalMode.Auto;
        // Reviews are taken at the release gate, so a repository that requires them always has one.
        if (requiredReviews > 0 && approvalMode == ApprovalMode.Auto)
            approvalMode = ApprovalMode.Final;

        var feature = new Feature
        {
            Id = request.FeatureId ?? Guid.NewGuid(),
            TenantId = tenantId,
            RepositoryId = repository.Id,
            Title = request.Title.Trim(),
            Description = request.Description,
            TargetBranch = request.TargetBranch ?? repository.DefaultBranch,
            ApprovalMode = approvalMode,
            Draft = draft,
            TestsRequired = request.TestsRequired ?? true,
            RequestedBy = caller.Actor(),
            RequestedByKeyId = caller.KeyId(),
            RequestedByAgentId = caller.AgentId(),
            RequiredReviews = requiredReviews,
            IdempotencyKey = request.IdempotencyKey,
            RequestHash = request.RequestHash,
        };
        db.Features.Add(feature);
        AuditLog.Add(db, caller, "feature.submitted", $"feature/{feature.Id}", new { repositoryId = feature.RepositoryId, title = feature.Title });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (request.IdempotencyKey is not null)
        {
            // The same key arrived twice at once; the other request created the feature.
            db.ChangeTracker.Clear();
            var winner = await db.Features.AsNoTracking().FirstAsync(f => f.TenantId == tenantId && f.IdempotencyKey == request.IdempotencyKey, cancellationToken);
            return new SubmissionOutcome(winner, false, winner.RequestHash == request.RequestHash, null);
        }

        await events.AppendAsync(feature.Id, tenantId, EventTypes.FeatureRequested, EventTypes.FeatureRequested, new
        {
            title = feature.Title, repositoryId = feature.RepositoryId, targetBranch = feature.TargetBranch, approvalMode = feature.ApprovalMode,
            requestedBy = feature.RequestedBy, draftFiles = feature.Draft.Count, testsRequired = feature.TestsRequired,
            requiredReviews = feature.RequiredReviews,
        }, cancellationToken: cancellationToken);
        await publisher.Publish(new FeatureRequested(feature.Id, tenantId, feature.ApprovalMode, feature.RequestedBy, feature.Author), cancellationToken);
        return new SubmissionOutcome(feature, true, true, null);
    }

    /// <summary>A branch the remote lacks would only fail the run's plan phase later; say so now.</summary>
    async Task CheckBranchAsync(Repository repository, string branch, Validation validation, CancellationToken cancellationToken)
    {
        var token = repository.ProtectedToken is null ? null : protector.Unprotect(repository.ProtectedToken);
        try
        {
            if (!await RepositoryUrl.HasBranchAsync(git, repository.Url, token, branch, cancellationToken))
                validation.Add("targetBranch", $"The branch '{branch}' does not exist in repository {repository.Name}.");
        }
        catch (GitException ex)
        {
            validation.Add("targetBranch", $"The repository could not be read to check the branch '{branch}': {ex.Message}");
        }
    }
}
