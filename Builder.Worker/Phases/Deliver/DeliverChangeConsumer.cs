using System.Globalization;
using Builder.Core.Artifacts;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Worker.Pipeline;

namespace Builder.Worker.Phases.Deliver;

/// <summary>
/// Deliver: commit the change on Builder's branch and push it. The commit is deterministic (same
/// base, change, message, author and dates), so a redelivered command makes the same SHA, finds it
/// already on the remote, and pushes nothing.
/// </summary>
public sealed class DeliverChangeConsumer(PhaseServices services, PullRequestPublisher pullRequests) : PhaseConsumer<DeliverChange>(services)
{
    protected override Phase Phase => Phase.Deliver;

    protected override async Task<PhaseOutcome> RunAsync(PhaseRun run, DeliverChange command)
    {
        var change = await run.LoadAsync(ArtifactNames.Change)
                     ?? throw new PhaseFailedException("change_missing", "The run has no stored change to deliver.");
        var branch = run.Feature.BranchName(Services.Options.BranchPrefix);
        if (!branch.StartsWith(Services.Options.BranchPrefix, StringComparison.Ordinal) || branch == run.Feature.TargetBranch)
            throw new PhaseFailedException("branch_refused", $"Builder pushes only under '{Services.Options.BranchPrefix}', never to '{run.Feature.TargetBranch}'.");

        var workspace = await Services.Workspaces.PrepareAsync(run.Repository, run.Feature.Id, command.BaseCommit, change, run.CancellationToken);
        var sha = await CommitAsync(run, workspace, command.BaseCommit, change);
        await run.RecordAsync(EventTypes.CommitCreated, new { sha, branch });

        var token = Services.Workspaces.TokenOf(run.Repository);
        var git = Services.Git;
        var remote = await git.RunAsync(workspace, ["ls-remote", run.Repository.Url, $"refs/heads/{branch}"], run.CancellationToken, token);
        var pushed = false;
        if (!remote.StartsWith(sha, StringComparison.Ordinal))
        {
            // Forced only on Builder's own branch: a revision replaces the previous attempt's commit.
            await git.RunAsync(workspace, ["push", "--quiet", run.Repository.Url, $"+{sha}:refs/heads/{branch}"], run.CancellationToken, token);
            pushed = true;
        }

        await run.RecordAsync(EventTypes.PushCompleted, new { branch, sha, alreadyOnRemote = !pushed });
        await pullRequests.PublishAsync(run, branch, sha, change);
        return new PhaseOutcome(new ChangeDelivered(run.Feature.Id, run.Attempt, branch, sha));
    }

    async Task<string> CommitAsync(PhaseRun run, string workspace, string baseCommit, byte[] change)
    {
        var root = Path.GetDirectoryName(workspace)!;
        var index = Path.Combine(root, $"{run.Feature.Id:N}.index");
        var patch = Path.Combine(root, $"{run.Feature.Id:N}.deliver.diff");
        var date = run.Feature.CreatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var env = new Dictionary<string, string?>
        {
            ["GIT_INDEX_FILE"] = index,
            ["GIT_AUTHOR_NAME"] = "Builder",
            ["GIT_AUTHOR_EMAIL"] = "builder@localhost",
            ["GIT_AUTHOR_DATE"] = date,
            ["GIT_COMMITTER_NAME"] = "Builder",
            ["GIT_COMMITTER_EMAIL"] = "builder@localhost",
            ["GIT_COMMITTER_DATE"] = date,
        };
        try
        {
            File.Delete(index);
            await File.WriteAllBytesAsync(patch, change, run.CancellationToken);
            var git = Services.Git;
            await git.RunAsync(workspace, ["read-tree", baseCommit], run.CancellationToken, environment: env);
            await git.RunAsync(workspace, ["apply", "--cached", "--binary", "--whitespace=nowarn", patch], run.CancellationToken, environment: env);
            var tree = await git.RunAsync(workspace, ["write-tree"], run.CancellationToken, environment: env);
            return await git.RunAsync(workspace, ["commit-tree", tree, "-p", baseCommit, "-m", Message(run.Feature)], run.CancellationToken, environment: env);
        }
        finally
        {
            File.Delete(index);
            File.Delete(patch);
        }
    }

    static string Message(Feature feature)
    {
        var body = feature.Description.Trim();
        return $"{feature.Title.Trim()}\n\n{(body.Length > 0 ? body + "\n\n" : "")}Builder-Feature: {feature.Id}";
    }
}
