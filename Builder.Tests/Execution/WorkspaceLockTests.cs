using Builder.Core.Domain;
using Builder.Tests.Support;
using Builder.Worker.Workspaces;
using Microsoft.Extensions.DependencyInjection;

namespace Builder.Tests.Execution;

/// <summary>A git killed mid-checkout leaves index.lock in the run's worktree; the next preparation of that worktree is not refused for it.</summary>
public sealed class WorkspaceLockTests
{
    [Fact]
    public async Task A_stale_index_lock_left_by_a_killed_git_does_not_fail_the_next_checkout()
    {
        using var builder = EmbeddedBuilder.With(new Dictionary<string, string?>());
        var workspaces = builder.Services.GetRequiredService<WorkspaceManager>();
        using var repository = TestRepository.CreateMakeProject();
        var baseCommit = TestRepository.Git(repository.RemotePath, "rev-parse", "main").Trim();
        var registered = new Repository { Name = "locked", Url = repository.RemotePath, DefaultBranch = "main" };
        var featureId = Guid.NewGuid();

        var workspace = await workspaces.PrepareAsync(registered, featureId, baseCommit, null, CancellationToken.None);
        var gitDirectory = File.ReadAllText(Path.Combine(workspace, ".git")).Trim()["gitdir:".Length..].Trim();
        var indexLock = Path.Combine(Path.GetFullPath(gitDirectory, workspace), "index.lock");
        await File.WriteAllTextAsync(indexLock, "");
        await File.WriteAllTextAsync(Path.Combine(workspace, "value.txt"), "changed by a phase that was killed\n");

        // Another state of the same worktree (only some paths of a change): checked out again over the stale lock.
        var again = await workspaces.PrepareAsync(registered, featureId, baseCommit, null, CancellationToken.None, onlyPaths: []);

        again.ShouldBe(workspace);
        File.Exists(indexLock).ShouldBeFalse();
        (await File.ReadAllTextAsync(Path.Combine(workspace, "value.txt"))).ShouldNotContain("killed");
    }
}
