using Builder.Core.Contracts;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Builder.Cli.Api;
using Builder.Cli.Output;
using Spectre.Console;

namespace Builder.Cli.Watching;

/// <summary>
/// Follows a run until it ends: its events from the Server-Sent Events stream (resumed after a
/// dropped connection from the last sequence seen), shown as per-phase progress bars and log lines on a
/// terminal, as plain lines when the output is redirected, and not at all with --json, which prints the
/// final run. Exit code 0 only for Completed.
/// </summary>
public static class FeatureWatcher
{
    public static async Task<int> WatchAsync(CliContext cli, Guid id)
    {
        var feature = await cli.Client.GetAsync($"api/features/{id}", cli.CancellationToken);
        if (!IsEnded(feature))
        {
            if (cli.Json)
                await foreach (var _ in EventsAsync(cli, id))
                {
                }
            else if (cli.Terminal.Interactive)
                await ShowProgressAsync(cli, id, feature);
            else
                await ShowLinesAsync(cli, id, feature);
            feature = await cli.Client.GetAsync($"api/features/{id}", cli.CancellationToken);
        }

        if (cli.Json)
            cli.Terminal.WriteJson(feature);
        else
            Summarize(cli.Terminal.Out, feature);
        return (string?)feature["status"] == "Completed" ? ExitCodes.Ok : ExitCodes.NotCompleted;
    }

    static bool IsEnded(JsonNode feature) => RunVocabulary.IsTerminal((string?)feature["status"]);

    static async Task ShowProgressAsync(CliContext cli, Guid id, JsonNode feature)
    {
        var console = cli.Terminal.Out;
        console.MarkupLine($"Watching [bold]{Views.E(feature["title"])}[/] [grey]{id}[/] (Ctrl+C stops watching, not the run)");
        var board = new PhaseBoard();
        await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new SpinnerColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var bars = board.Phases.ToDictionary(p => p.Name, p => context.AddTask(Describe(p), autoStart: false, maxValue: 100));
                await foreach (var e in EventsAsync(cli, id))
                {
                    Log(console, e, id);
                    if (board.Apply(e) is null)
                        continue;
                    foreach (var phase in board.Phases)
                        Draw(bars[phase.Name], phase);
                }

                foreach (var bar in bars.Values.Where(b => !b.IsFinished))
                    bar.StopTask();
            });
    }

    static void Draw(ProgressTask bar, PhaseState phase)
    {
        bar.Description = Describe(phase);
        switch (phase.Status)
        {
            case "running":
                if (!bar.IsStarted)
                    bar.StartTask();
                bar.IsIndeterminate = true;
                bar.Value = 0;
                break;
            case "done" or "skipped" or "awaiting_approval":
                bar.IsIndeterminate = false;
                bar.Value = 100;
                break;
            case "failed" or "cancelled":
                bar.IsIndeterminate = false;
                bar.StopTask();
                break;
            default:
                bar.IsIndeterminate = false;
                bar.Value = 0;
                break;
        }
    }

    static string Describe(PhaseState phase)
    {
        var mark = phase.Status switch
        {
            "done" => "[green]✓[/]",
            "skipped" => "[grey]–[/]",
            "failed" => "[red]✗[/]",
            "running" => "[blue]▶[/]",
            "awaiting_approval" => "[yellow]⏸[/]",
            "cancelled" => "[grey]■[/]",
            _ => "[grey]·[/]",
        };
        var detail = phase.Status switch
        {
            "done" => Views.Duration(phase.DurationMs is { } ms ? TimeSpan.FromMilliseconds(ms) : TimeSpan.Zero),
            "awaiting_approval" => "awaiting approval",
            "failed" or "skipped" => phase.Note ?? phase.Status,
            _ => phase.Status,
        };
        if (detail.Length > 50)
            detail = detail[..49] + "…";
        return $"{mark} {phase.Name,-12} [grey]{PlainText.Escape(detail)}[/]";
    }

    static async Task ShowLinesAsync(CliContext cli, Guid id, JsonNode feature)
    {
        var console = cli.Terminal.Out;
        console.WriteLine($"Watching {Views.Text(feature["title"])} ({id})");
        var board = new PhaseBoard();
        await foreach (var e in EventsAsync(cli, id))
        {
            Log(console, e, id);
            if (board.Apply(e) is not { } phase)
                continue;
            var line = phase.Status switch
            {
                "running" => $"[{phase.Name}] started{(phase.Attempt > 1 ? $" (attempt {phase.Attempt})" : "")}",
                "done" => $"[{phase.Name}] done in {Views.Duration(TimeSpan.FromMilliseconds(phase.DurationMs ?? 0))}",
                "skipped" => $"[{phase.Name}] skipped{(phase.Note is null ? "" : $": {phase.Note}")}",
                "failed" => $"[{phase.Name}] failed{(phase.Note is null ? "" : $": {phase.Note}")}",
                "cancelled" => $"[{phase.Name}] cancelled",
                _ => null,
            };
            if (line is not null)
                console.WriteLine($"{line}   {Bar(board)}");
        }
    }

    /// <summary>The progress bar of a log: one mark per phase.</summary>
    static string Bar(PhaseBoard board) => string.Join(" ", board.Phases.Select(p => p.Status switch
    {
        "done" => "■",
        "skipped" => "–",
        "failed" => "✗",
        "running" => "▶",
        "awaiting_approval" => "⏸",
        _ => "·",
    }));

    /// <summary>Log lines and the moments a person must act on, whatever the display.</summary>
    static void Log(IAnsiConsole console, JsonNode e, Guid id)
    {
        var type = (string?)e["type"];
        var phase = (string?)e["phase"] ?? "";
        switch (type)
        {
            case "log":
                foreach (var line in e["payload"]?["lines"]?.AsArray() ?? [])
                    console.MarkupLine($"[grey]{PlainText.Escape(phase)} |[/] {Views.E(line)}");
                break;
            case "approval.requested":
                var gate = (string?)e["payload"]?["gate"] ?? "a";
                console.MarkupLine($"[yellow]Waiting at the {PlainText.Escape(gate)} gate:[/] decide with builder feature approve (or reject, revise) {id}");
                break;
            case "revision.requested":
                console.MarkupLine($"[yellow]Revision requested:[/] {Views.E(e["payload"]?["notes"])}");
                break;
            case "fix.requested":
                console.MarkupLine($"[yellow]Fix round {Views.E(e["payload"]?["round"])}:[/] {Views.E(e["payload"]?["message"])}");
                break;
        }
    }

    static void Summarize(IAnsiConsole console, JsonNode feature)
    {
        var status = (string?)feature["status"];
        if (status == "Completed")
        {
            console.MarkupLine($"{Views.StatusMarkup(status)}: branch [bold]{Views.E(feature["branch"])}[/]" +
                               ((string?)feature["commitSha"] is { } sha ? $" @ {PlainText.Escape(sha[..Math.Min(12, sha.Length)])}" : ""));
            return;
        }

        console.MarkupLine($"{Views.StatusMarkup(status)}" + (feature["error"] is JsonObject error
            ? $" in {Views.E(error["phase"])} ({Views.E(error["code"])}): {Views.E(error["message"])}"
            : ""));
    }

    /// <summary>
    /// The run's events from the first, each once, until it has ended. They come from the stream,
    /// which is resumed after the last sequence seen when the connection drops; once the stream ends
    /// (after a terminal event) the events are polled until the run agrees it has ended: a run retried
    /// after an earlier end goes on, and the stream, which stops at the first end, cannot show that.
    /// </summary>
    static async IAsyncEnumerable<JsonNode> EventsAsync(CliContext cli, Guid id)
    {
        var cancellationToken = cli.CancellationToken;
        long last = 0;
        var failures = 0;
        var streaming = true;
        while (true)
        {
            if (streaming)
            {
                var dropped = false;
                await using (var events = StreamAsync(cli.Client, id, last, cancellationToken).GetAsyncEnumerator(cancellationToken))
                {
                    while (true)
                    {
                        JsonNode e;
                        try
                        {
                            if (!await events.MoveNextAsync())
                                break;
                            e = events.Current;
                        }
                        catch (Exception ex) when (ex is IOException or HttpRequestException or CliException && !cancellationToken.IsCancellationRequested && failures < 10)
                        {
                            failures++;
                            dropped = true;
                            break;
                        }

                        failures = 0;
                        var sequence = (long?)e["sequence"] ?? last + 1;
                        if (sequence <= last)
                            continue;
                        last = sequence;
                        yield return e;
                        if (PhaseBoard.TerminalEvents.Contains((string?)e["type"]))
                            break;
                    }
                }

                if (dropped)
                {
                    await Task.Delay(TimeSpan.FromSeconds(Math.Min(failures, 5)), cancellationToken);
                    continue;
                }

                streaming = false;
            }

            var page = (await cli.Client.GetAsync($"api/features/{id}/events?after={last}&limit=1000", cancellationToken)).AsArray();
            foreach (var e in page)
            {
                last = (long?)e!["sequence"] ?? last;
                yield return e;
            }

            if (page.Count == 0 && IsEnded(await cli.Client.GetAsync($"api/features/{id}", cancellationToken)))
                yield break;
            if (page.Count < 1000)
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    static async IAsyncEnumerable<JsonNode> StreamAsync(BuilderClient client, Guid id, long after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await client.OpenStreamAsync($"api/features/{id}/stream?after={after}", null, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var e in ServerSentEvents.ReadAsync(stream, cancellationToken))
            if (JsonNode.Parse(e.Data) is { } node)
                yield return node;
    }
}
