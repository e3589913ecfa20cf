using System.CommandLine;

namespace Builder.Cli.Drafts;

/// <summary>
/// Where a draft comes from: folders whose files add or replace repository files (their paths relative
/// to the folder are the repository paths), paths to delete, or a git working tree's changes.
/// </summary>
public sealed class DraftOptions
{
    public Option<string[]> Replace { get; } = new("--replace")
    {
        Description = "A folder laid out like the repository: each file in it replaces the file at the same path (repeatable).",
    };

    public Option<string[]> Add { get; } = new("--add")
    {
        Description = "A folder laid out like the repository: each file in it is a new file at the same path (repeatable).",
    };

    public Option<string[]> Delete { get; } = new("--delete")
    {
        Description = "A repository path to delete (repeatable).",
    };

    public Option<string?> Diff { get; } = new("--diff")
    {
        Description = "Upload the changes of a git working tree against a commit (default HEAD): modified files replace, new and untracked " +
                      "files are added, deleted files are deleted. The tree is --worktree, or the current folder.",
        Arity = ArgumentArity.ZeroOrOne,
        HelpName = "base",
    };

    public Option<string?> Worktree { get; } = new("--worktree")
    {
        Description = "The git working tree --diff reads (default: the current folder).",
    };

    public IEnumerable<Option> All => [Replace, Add, Delete, Diff, Worktree];

    public void AddTo(Command command)
    {
        foreach (var option in All)
            command.Options.Add(option);
    }

    public async Task<IReadOnlyList<DraftFile>> CollectAsync(CliContext cli)
    {
        var files = new List<DraftFile>();
        foreach (var folder in cli.Get(Replace) ?? [])
            files.AddRange(DraftCollector.FromFolder(folder, "replace"));
        foreach (var folder in cli.Get(Add) ?? [])
            files.AddRange(DraftCollector.FromFolder(folder, "add"));
        foreach (var path in cli.Get(Delete) ?? [])
            files.Add(new DraftFile(path.Replace('\\', '/'), "delete", null));
        if (cli.Parse.GetResult(Diff) is not null)
            files.AddRange(await DraftCollector.FromGitAsync(cli.Get(Worktree) ?? Directory.GetCurrentDirectory(), cli.Get(Diff) ?? "HEAD", cli.CancellationToken));

        var repeated = files.GroupBy(f => f.Path).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (repeated.Count > 0)
            throw new CliException($"These paths come from more than one source: {string.Join(", ", repeated)}.");
        return files;
    }
}

/// <summary>One draft file as the API takes it: mode add, replace or delete; content is the whole new file.</summary>
public sealed record DraftFile(string Path, string Mode, string? Content);
