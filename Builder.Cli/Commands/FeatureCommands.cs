using Builder.Core.Contracts;
using System.CommandLine;
using System.Text.Json.Nodes;
using Builder.Cli.Drafts;
using Builder.Cli.Output;
using Builder.Cli.Watching;
using Spectre.Console;

namespace Builder.Cli.Commands;

/// <summary>`builder feature ...`: submit runs, follow them, and decide at their gates.</summary>
public static class FeatureCommands
{
    public static Command Create() => new("feature", "Submit, list, show and watch feature runs; approve, reject, revise, cancel, retry or roll them back.")
    {
        Submit(), List(), Show(), Watch(), Events(),
        Decision("approve", "Open the gate the run waits at (plan or release); it continues at once.", "approve", null),
        Decision("reject", "End a run waiting at a gate as Rejected.", "reject", new Option<string?>("--reason") { Description = "Why; recorded in the run's events." }),
        Decision("revise", "Send a run waiting at a gate back to Plan with notes.", "revise",
            new Option<string?>("--notes") { Description = "What to change (required).", Required = true }),
        Decision("cancel", "Cancel a run that has not ended; its running processes are killed.", "cancel",
            new Option<string?>("--reason") { Description = "Why; recorded in the run's events." }),
        Decision("retry", "Run an ended run again from Plan, on the same branch.", "retry", null),
        ServiceCommands.FeatureRollback(),
    };

    static Command Submit()
    {
        var repository = Arguments.Repository(required: true);
        var title = new Option<string>("--title") { Description = "A short summary of the change; it names the branch.", Required = true };
        var description = new Option<string?>("--description") { Description = "What the change does and why; the pull request's body." };
        var branch = new Option<string?>("--branch") { Description = "The branch to base the change on and propose it for (default: the repository's default branch)." };
        var approval = Arguments.Approval();
        var noTests = Arguments.NoTestsRequired();
        var idempotency = new Option<string?>("--idempotency-key") { Description = "Submitting again with the same key and request returns the same run." };
        var watch = Arguments.Watch();
        var draft = new DraftOptions();
        var command = new Command("submit",
            "Start a feature run with a draft: the files of --replace and --add folders, --delete paths, or a git working tree's --diff.")
        {
            repository, title, description, branch, approval, noTests, idempotency, watch,
        };
        draft.AddTo(command);
        command.Handle(async cli =>
        {
            var files = await draft.CollectAsync(cli);
            var repositoryId = await Arguments.ResolveRepositoryAsync(cli.Client, cli.Get(repository)!, cli.CancellationToken);
            var accepted = await cli.Client.PostAsync("api/features", new
            {
                repositoryId,
                title = cli.Get(title),
                description = cli.Get(description) ?? "",
                targetBranch = cli.Get(branch),
                approvalMode = cli.Get(approval),
                draft = files.Count == 0 ? null : new { files },
                testsRequired = cli.Get(noTests) ? false : (bool?)null,
            }, cli.CancellationToken, cli.Get(idempotency));
            return await AcceptedAsync(cli, accepted, cli.Get(watch));
        });
        return command;
    }

    /// <summary>What submit and task apply print: the new run's id, or with --watch the run followed to its end.</summary>
    public static async Task<int> AcceptedAsync(CliContext cli, JsonNode accepted, bool watch)
    {
        var id = accepted["id"]!.GetValue<Guid>();
        if (watch)
        {
            if (!cli.Json)
                cli.Terminal.Line($"Submitted [bold]{id}[/].");
            return await FeatureWatcher.WatchAsync(cli, id);
        }

        if (cli.Json)
            cli.Terminal.WriteJson(accepted);
        else
            cli.Terminal.Line($"Submitted [bold]{id}[/] ({Views.E(accepted["status"])}). Follow it with: builder feature watch {id}");
        return ExitCodes.Ok;
    }

    static Command List()
    {
        var status = new Option<string?>("--status") { Description = "Only runs with this status." }
            .AcceptOnlyFromAmong([.. RunVocabulary.Statuses]);
        var repository = Arguments.Repository(required: false);
        var page = new Option<int?>("--page") { Description = "Page number, from 1." };
        var size = new Option<int?>("--page-size") { Description = "Runs per page, 1 to 200 (default 50)." };
        var command = new Command("list", "List your tenant's runs, newest first.") { status, repository, page, size };
        command.Handle(async cli =>
        {
            var repositoryId = cli.Get(repository) is { } r ? await Arguments.ResolveRepositoryAsync(cli.Client, r, cli.CancellationToken) : (Guid?)null;
            var query = Arguments.Query(("status", cli.Get(status)), ("repositoryId", repositoryId), ("page", cli.Get(page)), ("pageSize", cli.Get(size)));
            var result = await cli.Client.GetAsync($"api/features?{query}", cli.CancellationToken);
            if (cli.Json)
                cli.Terminal.WriteJson(result);
            else
                Views.Features(cli.Terminal.Out, result, cli.Terminal.TitleWidth);
            return ExitCodes.Ok;
        });
        return command;
    }

    static Command Show()
    {
        var id = Arguments.FeatureId();
        var command = new Command("show", "Show one run: status, gate, phases, branch and error.") { id };
        command.Handle(async cli =>
        {
            var featureId = await Arguments.ResolveFeatureAsync(cli.Client, cli.Get(id)!, cli.CancellationToken);
            var feature = await cli.Client.GetAsync($"api/features/{featureId}", cli.CancellationToken);
            if (cli.Json)
                cli.Terminal.WriteJson(feature);
            else
                Views.Feature(cli.Terminal.Out, feature);
            return ExitCodes.Ok;
        });
        return command;
    }

    static Command Watch()
    {
        var id = Arguments.FeatureId();
        var command = new Command("watch", "Follow a run until it ends: per-phase progress and log lines. Exits 0 only if it Completed.") { id };
        command.Handle(async cli => await FeatureWatcher.WatchAsync(cli, await Arguments.ResolveFeatureAsync(cli.Client, cli.Get(id)!, cli.CancellationToken)));
        return command;
    }

    static Command Events()
    {
        var id = Arguments.FeatureId();
        var after = new Option<long?>("--after") { Description = "Only events after this sequence number." };
        var limit = new Option<int?>("--limit") { Description = "At most this many events (1 to 5000, default 1000)." };
        var command = new Command("events", "Print a run's events (logs included) in order.") { id, after, limit };
        command.Handle(async cli =>
        {
            var featureId = await Arguments.ResolveFeatureAsync(cli.Client, cli.Get(id)!, cli.CancellationToken);
            var events = await cli.Client.GetAsync($"api/features/{featureId}/events?{Arguments.Query(("after", cli.Get(after)), ("limit", cli.Get(limit)))}",
                cli.CancellationToken);
            if (cli.Json)
                cli.Terminal.WriteJson(events);
            else
                Views.Events(cli.Terminal.Out, events.AsArray());
            return ExitCodes.Ok;
        });
        return command;
    }

    static Command Decision(string name, string description, string action, Option<string?>? text)
    {
        var id = Arguments.FeatureId();
        var command = new Command(name, description) { id };
        if (text is not null)
            command.Options.Add(text);
        command.Handle(async cli =>
        {
            var value = text is null ? null : cli.Get(text);
            object body = text?.Name switch
            {
                "--notes" => new { notes = value },
                "--reason" => new { reason = value },
                _ => new { },
            };
            var featureId = await Arguments.ResolveFeatureAsync(cli.Client, cli.Get(id)!, cli.CancellationToken);
            var result = await cli.Client.PostAsync($"api/features/{featureId}/{action}", body, cli.CancellationToken);
            if (cli.Json)
                cli.Terminal.WriteJson(result);
            else
                cli.Terminal.Line($"{PlainText.Escape(Capitalized(Views.Text(result["action"])))}: {featureId} (it was {Views.StatusMarkup((string?)result["statusBefore"])}).");
            return ExitCodes.Ok;
        });
        return command;
    }

    static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
