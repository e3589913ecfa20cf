using Builder.Core.Artifacts;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Worker.Agent;
using Builder.Worker.Pipeline;
using Builder.Worker.Workspaces;

namespace Builder.Worker.Phases.Generate;

/// <summary>
/// Generate: write the change into a clean workspace at the base commit — the request's draft, or
/// what Builder's agent writes when there is none — and store it as a binary diff that every later
/// phase (on any worker) starts from.
/// </summary>
public sealed class GenerateChangeConsumer(PhaseServices services, AgentRunner agent) : PhaseConsumer<GenerateChange>(services)
{
    protected override Phase Phase => Phase.Generate;

    protected override async Task<PhaseOutcome> RunAsync(PhaseRun run, GenerateChange command)
    {
        if (run.Feature.Draft.Count == 0)
            return await AgentAsync(run, command);

        var workspace = await Services.Workspaces.PrepareAsync(run.Repository, run.Feature.Id, command.BaseCommit, change: null, run.CancellationToken);
        foreach (var file in run.Feature.Draft)
            await DraftWriter.ApplyAsync(workspace, file, run.CancellationToken);

        var (diff, files) = await Services.Workspaces.DiffAsync(workspace, run.Feature.Id, command.BaseCommit, run.CancellationToken);
        if (files.Count == 0)
            throw new PhaseFailedException("empty_change", "The draft changes nothing: every file it writes already has that content.");

        var violations = ChangeInspector.Inspect(workspace, files, run.Repository.Settings, Services.Options.Limits);
        if (violations.Count > 0)
        {
            await run.RecordAsync(EventTypes.PolicyViolated, new { violations = violations.Select(v => new { v.Path, v.Rule, v.Reason }) });
            throw new PhaseFailedException("policy_violation", $"The change breaks the repository's policy: {string.Join("; ", violations)}.");
        }

        await run.StoreAsync(ArtifactNames.Change, "text/x-diff", diff);
        await Services.Workspaces.RememberAsync(run.Feature.Id, command.BaseCommit, diff, run.CancellationToken);
        await run.RecordAsync(EventTypes.DraftApplied, new { files, bytes = diff.Length });
        return new PhaseOutcome(new ChangeGenerated(run.Feature.Id, run.Attempt, files.Count));
    }

    async Task<PhaseOutcome> AgentAsync(PhaseRun run, GenerateChange command)
    {
        var change = await agent.GenerateAsync(run, command);
        if (change.Files.Count == 0)
            throw new PhaseFailedException("empty_change", "The agent's change is empty: it changes no file.");

        // The tools already held every write to the policy; this is the same final check a draft gets.
        var workspace = Services.Workspaces.WorkspacePath(run.Feature.Id);
        var violations = ChangeInspector.Inspect(workspace, change.Files, run.Repository.Settings, Services.Options.Limits);
        if (violations.Count > 0)
        {
            await run.RecordAsync(EventTypes.PolicyViolated, new { violations = violations.Select(v => new { v.Path, v.Rule, v.Reason }) });
            throw new PhaseFailedException("policy_violation", $"The change breaks the repository's policy: {string.Join("; ", violations)}.");
        }

        await run.StoreAsync(ArtifactNames.Change, "text/x-diff", change.Diff);
        await Services.Workspaces.RememberAsync(run.Feature.Id, command.BaseCommit, change.Diff, run.CancellationToken);
        await run.RecordAsync(AgentEvents.ChangeGenerated, new
        {
            files = change.Files, bytes = change.Diff.Length, summary = change.Result.Summary, fixRound = command.Feedback is not null,
            reviews = change.Result.Reviews.Select(r => new { r.Verdict, r.Findings }),
        });
        return new PhaseOutcome(new ChangeGenerated(run.Feature.Id, run.Attempt, change.Files.Count));
    }
}

/// <summary>Writes one draft file through the path policy.</summary>
public static class DraftWriter
{
    public static async Task ApplyAsync(string workspace, DraftFile file, CancellationToken cancellationToken)
    {
        var path = PathPolicy.Resolve(workspace, file.Path);
        switch (file.Mode)
        {
            case DraftFileMode.Add when File.Exists(path):
                throw new PhaseFailedException("draft_conflict", $"'{file.Path}' already exists; use mode 'replace' to change it.");
            case DraftFileMode.Replace when !File.Exists(path):
                throw new PhaseFailedException("draft_conflict", $"'{file.Path}' does not exist; use mode 'add' to create it.");
            case DraftFileMode.Delete when !File.Exists(path):
                throw new PhaseFailedException("draft_conflict", $"'{file.Path}' does not exist, so it cannot be deleted.");
            case DraftFileMode.Delete:
                File.Delete(path);
                return;
            default:
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, file.Content ?? "", cancellationToken);
                return;
        }
    }
}
