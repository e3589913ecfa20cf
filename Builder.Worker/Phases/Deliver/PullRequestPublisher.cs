using System.Text.Json;
using Builder.Core.Artifacts;
using Builder.Core.Events;
using Builder.Worker.PullRequests;
using Builder.Core.Domain;
using Builder.Worker.Pipeline;
using Builder.Worker.Verification;

namespace Builder.Worker.Phases.Deliver;

/// <summary>
/// Opens (or, on a later run of the same feature, updates) the pull or merge request of a delivered
/// branch, where the repository lives on a host with an API. The host client looks for an open
/// request of the branch before creating one, so a redelivered Deliver never opens a second. Then
/// Builder's verdict goes on the delivered commit as a status, where reviewers look.
/// </summary>
public sealed class PullRequestPublisher(PullRequestHostResolver resolver, PhaseServices services)
{
    public async Task PublishAsync(PhaseRun run, string branch, string sha, byte[] change)
    {
        var host = resolver.Resolve(run.Repository.Url);
        if (host is null)
            return;

        var token = services.Workspaces.TokenOf(run.Repository);
        if (token is null)
        {
            await run.RecordAsync(EventTypes.PullRequestSkipped, new
            {
                provider = host.Provider,
                reason = "The repository has no token; register one in credentials.token to open pull requests.",
            });
            return;
        }

        var files = DiffAnalysis.Parse(change)
            .Select(f => new ChangedFile(f.Path, f.Added ? FileChange.Added : f.Deleted ? FileChange.Deleted : FileChange.Modified))
            .ToList();
        var plan = await run.LoadPlanAsync();
        var verification = await VerificationAsync(run);
        var body = PullRequestBody.Build(new PullRequestBodyInput(run.Feature.Id, plan.Summary, files, verification, services.Options.PublicUrl));
        var spec = new PullRequestSpec(run.Repository.Url, token, branch, run.Feature.TargetBranch, run.Feature.Title, body);

        PullRequestInfo pullRequest;
        try
        {
            pullRequest = await host.OpenOrUpdateAsync(spec, run.CancellationToken);
        }
        catch (PullRequestHostException ex) when (!ex.IsTransient)
        {
            throw new PhaseFailedException("pull_request_failed", ex.Message);
        }

        await run.RecordAsync(pullRequest.Created ? EventTypes.PullRequestOpened : EventTypes.PullRequestUpdated,
            new { provider = pullRequest.Provider, number = pullRequest.Number, url = pullRequest.Url });
        await PostStatusAsync(run, host, token, sha, verification);
    }

    /// <summary>
    /// A status the host refuses does not undo the delivery: the branch and the pull request stand,
    /// and the refusal is an event saying why.
    /// </summary>
    async Task PostStatusAsync(PhaseRun run, IPullRequestHost host, string token, string sha, VerificationSummary? verification)
    {
        var description = verification is null
            ? "Verified by Builder"
            : $"Verified by Builder: {verification.FailToPass.Count} new test(s) fail before and pass after; {verification.Passed} passed";
        var spec = new CommitStatusSpec(run.Repository.Url, token, sha, CommitState.Success, description,
            PullRequestBody.RunUrl(services.Options.PublicUrl, run.Feature.Id));
        try
        {
            await host.PostStatusAsync(spec, run.CancellationToken);
            await run.RecordAsync(EventTypes.CommitStatusPosted, new { provider = host.Provider, sha, state = "success", description, url = spec.TargetUrl });
        }
        catch (PullRequestHostException ex)
        {
            await run.RecordAsync(EventTypes.CommitStatusFailed, new { provider = host.Provider, sha, reason = ex.Message });
        }
    }

    /// <summary>The counts and verdict Verify stored, when it stored them.</summary>
    static async Task<VerificationSummary?> VerificationAsync(PhaseRun run)
    {
        if (await run.LoadAsync(ArtifactNames.TestResults) is not { } stored)
            return null;
        using var json = JsonDocument.Parse(stored);
        var root = json.RootElement;
        int Count(string name) => root.TryGetProperty("summary", out var s) && s.TryGetProperty(name, out var v) ? v.GetInt32() : 0;
        var integrity = root.TryGetProperty("verdict", out var verdict) && verdict.TryGetProperty("summary", out var text) ? text.GetString() : null;
        IReadOnlyList<string> Tests(string name) =>
            verdict.ValueKind == JsonValueKind.Object && verdict.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
                ? [.. list.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!)]
                : [];
        return new VerificationSummary(Count("passed"), Count("failed"), Count("skipped"), integrity)
        {
            FailToPass = Tests("failToPass"),
            NewPassing = Tests("newPassing"),
        };
    }
}
