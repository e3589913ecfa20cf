using System.CommandLine;
using Builder.Cli.Drafts;
using Builder.Cli.Output;

namespace Builder.Cli.Commands;

/// <summary>`builder task ...`: prepare a change within a scope of paths, check it with a dry run, then run it.</summary>
public static class TaskCommands
{
    public static Command Create() => new("task", "Prepare a change as a task: create it with a scope, upload drafts, dry-run, apply.")
    {
        CreateTask(), Upload(), Show(), DryRun(), Apply(),
    };

    static Command CreateTask()
    {
        var repository = Arguments.Repository(required: true);
        var title = new Option<string>("--title") { Description = "A short summary of the change.", Required = true };
        var scope = new Option<string[]>("--scope")
        {
            Description = "A path or glob the task may change, e.g. src/reports/** (repeatable; at least one).",
            Required = true,
        };
        var description = new Option<string?>("--description") { Description = "What the change does and why." };
        var plan = new Option<string?>("--plan") { Description = "Your plan, free text; it travels into the run's description." };
        var branch = new Option<string?>("--branch") { Description = "The branch to base the change on and propose it for." };
        var command = new Command("create", "Create a task on a repository, limited to a scope of paths.") { repository, title, scope, description, plan, branch };
        command.Handle(async cli =>
        {
            var repositoryId = await Arguments.ResolveRepositoryAsync(cli.Client, cli.Get(repository)!, cli.CancellationToken);
            var task = await cli.Client.PostAsync("api/tasks", new
            {
                repositoryId, title = cli.Get(title), description = cli.Get(description), scope = cli.Get(scope), plan = cli.Get(plan), targetBranch = cli.Get(branch),
            }, cli.CancellationToken);
            if (cli.Json)
                cli.Terminal.WriteJson(task);
            else
                cli.Terminal.Line($"Created task [bold]{Views.E(task["id"])}[/]. Next: builder task upload {Views.E(task["id"])} --replace <folder> | --add <folder> | --diff");
            return ExitCodes.Ok;
        });
        return command;
    }

    static Command Upload()
    {
        var id = Arguments.TaskId();
        var draft = new DraftOptions();
        var command = new Command("upload",
            "Add files to the task's draft from --replace and --add folders, --delete paths, or a git working tree's --diff; a path uploaded again replaces its earlier version.")
        {
            id,
        };
        draft.AddTo(command);
        command.Handle(async cli =>
        {
            var files = await draft.CollectAsync(cli);
            if (files.Count == 0)
                throw new CliException("Nothing to upload: give --replace <folder>, --add <folder>, --delete <path> or --diff.");
            var task = await cli.Client.PostAsync($"api/tasks/{cli.Get(id)}/drafts", files, cli.CancellationToken);
            if (cli.Json)
                cli.Terminal.WriteJson(task);
            else
                Views.Task(cli.Terminal.Out, task);
            return ExitCodes.Ok;
        });
        return command;
    }

    static Command Show()
    {
        var id = Arguments.TaskId();
        var command = new Command("show", "Show a task: its scope, its draft's files and, once applied, its run.") { id };
        command.Handle(async cli =>
        {
            var task = await cli.Client.GetAsync($"api/tasks/{cli.Get(id)}", cli.CancellationToken);
            if (cli.Json)
                cli.Terminal.WriteJson(task);
            else
                Views.Task(cli.Terminal.Out, task);
            return ExitCodes.Ok;
        });
        return command;
    }

    static Command DryRun()
    {
        var id = Arguments.TaskId();
        var noDiff = new Option<bool>("--no-diff") { Description = "Show the verdicts and commands without the diff." };
        var command = new Command("dry-run",
            "Show the diff against the target branch, each file's policy verdict and the build and test commands, changing nothing. Exits 3 if it would not apply.")
        {
            id, noDiff,
        };
        command.Handle(async cli =>
        {
            var result = await cli.Client.PostAsync($"api/tasks/{cli.Get(id)}/dry-run", null, cli.CancellationToken);
            if (cli.Json)
                cli.Terminal.WriteJson(result);
            else
                Views.DryRun(cli.Terminal.Out, result, !cli.Get(noDiff));
            return result["wouldApply"]!.GetValue<bool>() ? ExitCodes.Ok : ExitCodes.NotCompleted;
        });
        return command;
    }

    static Command Apply()
    {
        var id = Arguments.TaskId();
        var approval = Arguments.Approval();
        var noTests = Arguments.NoTestsRequired();
        var watch = Arguments.Watch();
        var command = new Command("apply", "Start a run with the task's draft; applying again returns the same run.") { id, approval, noTests, watch };
        command.Handle(async cli =>
        {
            var accepted = await cli.Client.PostAsync($"api/tasks/{cli.Get(id)}/apply",
                new { approvalMode = cli.Get(approval), testsRequired = cli.Get(noTests) ? false : (bool?)null }, cli.CancellationToken);
            return await FeatureCommands.AcceptedAsync(cli, accepted, cli.Get(watch));
        });
        return command;
    }
}
