using System.Text;
using Builder.Core;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using Builder.Core.Policy;
using Builder.Worker.Toolchains;
using Builder.Worker.Workspaces;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Builder.Worker.Tasks;

/// <summary>
/// Computes what applying a task would change, in a clone made for the purpose in a temporary
/// folder and deleted afterwards. The repository's remote and Builder's own mirror are only read.
/// </summary>
public sealed class DryRunTaskConsumer(BuilderDbContext db, Git git, WorkspaceManager workspaces, IOptions<BuilderOptions> options, ILogger<DryRunTaskConsumer> logger)
    : IConsumer<DryRunTask>
{
    /// <summary>A diff larger than this is cut: the verdicts still cover every file.</summary>
    const int MaxDiffChars = 2 * 1024 * 1024;

    public async Task Consume(ConsumeContext<DryRunTask> context)
    {
        var task = await db.Tasks.AsNoTracking().FirstAsync(t => t.Id == context.Message.TaskId, context.CancellationToken);
        var repository = await db.Repositories.AsNoTracking().FirstAsync(r => r.Id == context.Message.RepositoryId, context.CancellationToken);
        await context.RespondAsync(await RunAsync(task, repository, context.CancellationToken));
    }

    async Task<object> RunAsync(BuilderTask task, Repository repository, CancellationToken cancellationToken)
    {
        var branch = task.TargetBranch ?? repository.DefaultBranch;
        var root = Directory.CreateTempSubdirectory("builder-dry-run-").FullName;
        try
        {
            var clone = Path.Combine(root, "work");
            try
            {
                // Only the branch's head is needed. A local path becomes a file:// URL, for which git honours --depth
                // (and copies objects instead of hard-linking them into a folder that is about to be deleted).
                var url = repository.Url.StartsWith('/') ? new Uri(repository.Url).AbsoluteUri : repository.Url;
                await git.RunAsync(root, ["clone", "--quiet", "--no-tags", "--single-branch", "--depth", "1", "--branch", branch, url, clone],
                    cancellationToken, workspaces.TokenOf(repository));
            }
            catch (GitException ex)
            {
                return new TaskDryRunRefused("Repository not readable", $"The branch '{branch}' of the repository could not be read: {ex.Message}");
            }

            var baseCommit = await git.RunAsync(clone, ["rev-parse", "HEAD"], cancellationToken);
            var detected = CommandDetector.Detect(clone, repository.Settings);
            var commands = new CommandPreview(detected.Toolchain, detected.Restore, detected.Build, detected.Test, detected.Source);

            var verdicts = new List<FileVerdict>();
            foreach (var file in task.Draft)
            {
                var checks = TaskPolicy.Check(task, file.Path, file.Mode is DraftFileMode.Delete ? null : file.Content, repository.Settings, options.Value.Limits).ToList();
                if (checks.All(c => c.Passed))
                    checks.Add(await WriteAsync(clone, file, cancellationToken));
                verdicts.Add(new FileVerdict(file.Path, file.Mode, checks.All(c => c.Passed), checks));
            }

            var patch = Path.Combine(root, "change.diff");
            await git.RunAsync(clone, ["add", "--all"], cancellationToken);
            await git.RunAsync(clone, ["diff", "--cached", "--no-color", "--no-ext-diff", "--no-renames", $"--output={patch}", baseCommit], cancellationToken);
            var changed = (await git.RunAsync(clone, ["diff", "--cached", "--name-only", "--no-renames", baseCommit], cancellationToken))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var diff = await File.ReadAllTextAsync(patch, Encoding.UTF8, cancellationToken);
            var truncated = diff.Length > MaxDiffChars;
            if (truncated)
                diff = diff[..MaxDiffChars];

            var wouldApply = verdicts.All(v => v.Allowed) && changed.Length > 0;
            return new TaskDryRunCompleted(new DryRunResult(task.Id, branch, baseCommit, wouldApply, verdicts, diff, truncated, changed, commands));
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException ex)
            {
                logger.LogWarning(ex, "Could not delete the dry-run folder {Folder}", root);
            }
        }
    }

    /// <summary>Writes one file the way Generate would, and reports whether its mode fits the base (add of an existing file is a conflict).</summary>
    static async Task<FileCheck> WriteAsync(string clone, DraftFile file, CancellationToken cancellationToken)
    {
        string path;
        try
        {
            path = PathPolicy.Resolve(clone, file.Path);
        }
        catch (PathPolicyException ex)
        {
            return new FileCheck("mode", false, ex.Reason);
        }

        var exists = File.Exists(path);
        switch (file.Mode)
        {
            case DraftFileMode.Add when exists:
                return new FileCheck("mode", false, $"'{file.Path}' already exists on the base; use mode 'replace' to change it");
            case DraftFileMode.Replace when !exists:
                return new FileCheck("mode", false, $"'{file.Path}' does not exist on the base; use mode 'add' to create it");
            case DraftFileMode.Delete when !exists:
                return new FileCheck("mode", false, $"'{file.Path}' does not exist on the base, so it cannot be deleted");
            case DraftFileMode.Delete:
                File.Delete(path);
                return new FileCheck("mode", true, null);
            default:
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, file.Content ?? "", cancellationToken);
                return new FileCheck("mode", true, null);
        }
    }
}
