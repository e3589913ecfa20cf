using Builder.Core.Artifacts;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Worker.Pipeline;
using Builder.Worker.Workspaces;

namespace Builder.Worker.Phases.Generate;

/// <summary>
/// Generate: write the change into a clean workspace at the base commit — here, the request's
/// draft — and store it as a binary diff that every later phase (on any worker) starts from.
/// </summary>
public sealed class GenerateChangeConsumer(PhaseServices services) : PhaseConsumer<GenerateChange>(services)
{
    protected override Phase Phase => Phase.Generate;

    protected override async Task<PhaseOutcome> RunAsync(PhaseRun run, GenerateChange command)
    {
        if (run.Feature.Draft.Count == 0)
            throw new PhaseFailedException("no_author", "The feature has no draft, and no model is configured to write one.");

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
