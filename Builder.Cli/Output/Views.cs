using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Builder.Cli.Output;

/// <summary>How the API's JSON looks to a person: tables and short summaries, every value escaped.</summary>
public static class Views
{
    public static string E(JsonNode? node) => PlainText.Escape(Text(node));

    public static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => PlainText.Clean(s),
        _ => PlainText.Clean(node.ToJsonString()),
    };

    public static string StatusMarkup(string? status) => status switch
    {
        "Completed" or "done" or "Healthy" => $"[green]{PlainText.Escape(status)}[/]",
        "Failed" or "RolledBack" or "failed" or "Unhealthy" => $"[red]{PlainText.Escape(status)}[/]",
        "AwaitingApproval" or "awaiting_approval" or "Degraded" => $"[yellow]{PlainText.Escape(status)}[/]",
        "Running" or "running" or "queued" => $"[blue]{PlainText.Escape(status)}[/]",
        null => "",
        _ => $"[grey]{PlainText.Escape(status)}[/]",
    };

    public static string Duration(JsonNode? milliseconds) =>
        milliseconds is null ? "" : Duration(TimeSpan.FromMilliseconds(milliseconds.GetValue<double>()));

    public static string Duration(TimeSpan span) =>
        span.TotalSeconds < 60 ? $"{span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s"
        : span.TotalMinutes < 60 ? $"{(int)span.TotalMinutes}m{span.Seconds:00}s"
        : $"{(int)span.TotalHours}h{span.Minutes:00}m";

    public static void Repositories(IAnsiConsole console, JsonArray repositories)
    {
        if (repositories.Count == 0)
        {
            console.MarkupLine("No repositories yet: add one with [bold]builder repo add <name> <url>[/].");
            return;
        }

        var table = new Table().Border(TableBorder.Simple).AddColumns("Name", "Id", "Default branch", "URL", "Reviews");
        table.Columns[1].NoWrap();
        foreach (var r in repositories)
            table.AddRow(E(r!["name"]), PlainText.Escape(Cells.ShortId(r["id"])), E(r["defaultBranch"]), E(r["url"]), E(r["settings"]?["requiredReviews"]));
        console.Write(table);
    }

    public static void Features(IAnsiConsole console, JsonNode page, int? titleWidth = null)
    {
        var items = page["items"]!.AsArray();
        if (items.Count == 0)
        {
            console.MarkupLine("No feature runs match.");
            return;
        }

        var table = new Table().Border(TableBorder.Simple).AddColumns("Id", "Title", "Repository", "Status", "Phase", "Progress", "Updated");
        table.Columns[0].NoWrap();
        table.Columns[6].NoWrap();
        foreach (var f in items)
            table.AddRow(PlainText.Escape(Cells.ShortId(f!["id"])), PlainText.Escape(Cells.Shorten(Text(f["title"]), titleWidth)), E(f["repositoryName"]),
                StatusMarkup((string?)f["status"]) + ((string?)f["gate"] is { } gate ? $" [yellow]({PlainText.Escape(gate)} gate)[/]" : ""),
                E(f["currentPhase"]), $"{E(f["progressPercent"])}%", PlainText.Escape(Cells.Relative(f["updatedAt"])));
        console.Write(table);
        console.MarkupLine($"[grey]Page {E(page["page"])}, {items.Count} of {E(page["total"])}.[/]");
    }

    public static void Feature(IAnsiConsole console, JsonNode f)
    {
        console.MarkupLine($"[bold]{E(f["title"])}[/]  [grey]{E(f["id"])}[/]");
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        grid.AddRow("[grey]Status[/]", StatusMarkup((string?)f["status"]) + ((string?)f["gate"] is { } gate ? $" at the [yellow]{PlainText.Escape(gate)}[/] gate" : ""));
        grid.AddRow("[grey]Repository[/]", $"{E(f["repositoryName"])} → {E(f["targetBranch"])}");
        grid.AddRow("[grey]Approval[/]", E(f["approvalMode"]));
        if ((string?)f["branch"] is { } branch)
            grid.AddRow("[grey]Branch[/]", $"{PlainText.Escape(branch)}{((string?)f["commitSha"] is { } sha ? $" @ {PlainText.Escape(sha[..Math.Min(12, sha.Length)])}" : "")}");
        grid.AddRow("[grey]Requested[/]", $"by {E(f["requestedBy"])} at {PlainText.Escape(Cells.LocalTime(f["createdAt"]))} ({PlainText.Escape(Cells.Relative(f["createdAt"]))})");
        grid.AddRow("[grey]Attempt[/]", E(f["attempt"]));
        console.Write(grid);
        Phases(console, f["phases"]?.AsArray() ?? []);
        if (f["error"] is JsonObject error)
            console.MarkupLine($"[red]{E(error["code"])}[/] in {E(error["phase"])}: {E(error["message"])}{(error["retryable"]?.GetValue<bool>() == true ? " [grey](retryable: builder feature retry)[/]" : "")}");
    }

    public static void Phases(IAnsiConsole console, JsonArray phases)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("Phase", "Status", "Duration", "Note");
        foreach (var p in phases)
            table.AddRow(E(p!["name"]), StatusMarkup((string?)p["status"]), Duration(p["durationMs"]), E(p["reason"]));
        console.Write(table);
    }

    public static void Events(IAnsiConsole console, JsonArray events)
    {
        foreach (var e in events)
        {
            var type = (string?)e!["type"];
            console.MarkupLine($"[grey]{E(e["sequence"]),5} {PlainText.Escape(Cells.LocalTime(e["timestamp"]))}[/] [bold]{PlainText.Escape(type ?? "")}[/] {E(e["phase"])}");
            if (type == "log")
                foreach (var line in e["payload"]?["lines"]?.AsArray() ?? [])
                    console.MarkupLine($"      {E(line)}");
        }
    }

    public static void Task(IAnsiConsole console, JsonNode t)
    {
        console.MarkupLine($"[bold]{E(t["title"])}[/]  [grey]{E(t["id"])}[/]  {StatusMarkup((string?)t["status"])}");
        console.MarkupLine($"[grey]Scope:[/] {PlainText.Escape(string.Join(", ", t["scope"]!.AsArray().Select(Text)))}");
        if (t["featureId"] is { } feature)
            console.MarkupLine($"[grey]Feature:[/] {E(feature)}");
        var files = t["files"]?.AsArray() ?? [];
        if (files.Count == 0)
        {
            console.MarkupLine("[grey]No draft files yet.[/]");
            return;
        }

        var table = new Table().Border(TableBorder.Simple).AddColumns("Path", "Mode", "Bytes");
        foreach (var f in files)
            table.AddRow(E(f!["path"]), E(f["mode"]), E(f["bytes"]));
        console.Write(table);
    }

    public static void DryRun(IAnsiConsole console, JsonNode d, bool showDiff)
    {
        var would = d["wouldApply"]!.GetValue<bool>();
        console.MarkupLine(would
            ? $"[green]Would apply[/] on {E(d["targetBranch"])} @ {E(d["baseCommit"])}"
            : $"[red]Would not apply[/] on {E(d["targetBranch"])} @ {E(d["baseCommit"])}");
        var table = new Table().Border(TableBorder.Simple).AddColumns("Path", "Mode", "Verdict", "Why not");
        foreach (var f in d["files"]!.AsArray())
        {
            var failed = f!["checks"]!.AsArray().Where(c => c!["passed"]!.GetValue<bool>() == false).Select(c => $"{Text(c!["rule"])}: {Text(c["reason"])}");
            table.AddRow(E(f["path"]), E(f["mode"]), f["allowed"]!.GetValue<bool>() ? "[green]allowed[/]" : "[red]refused[/]", PlainText.Escape(string.Join("; ", failed)));
        }

        console.Write(table);
        var commands = d["commands"]!;
        console.MarkupLine($"[grey]Toolchain:[/] {E(commands["toolchain"])} [grey]({E(commands["source"])})[/]");
        foreach (var step in new[] { "restore", "build", "test" })
            console.MarkupLine($"  [grey]{step,-8}[/] {(commands[step] is null ? "[grey](nothing)[/]" : E(commands[step]))}");
        if (!showDiff)
            return;
        foreach (var line in Text(d["diff"]).Split('\n'))
        {
            var color = line.StartsWith("+++") || line.StartsWith("---") ? "bold" : line.StartsWith('+') ? "green" : line.StartsWith('-') ? "red" : line.StartsWith("@@") ? "cyan" : "default";
            console.MarkupLine($"[{color}]{PlainText.Escape(line)}[/]");
        }

        if (d["diffTruncated"]?.GetValue<bool>() == true)
            console.MarkupLine("[yellow](the diff was cut; the verdicts cover every file)[/]");
    }

    public static void Status(IAnsiConsole console, JsonNode s, Uri url)
    {
        console.MarkupLine($"Builder at {PlainText.Escape(url.ToString())}: {StatusMarkup((string?)s["status"])}");
        var components = new Table().Border(TableBorder.Simple).AddColumns("Component", "Status", "Detail", "Took");
        foreach (var c in s["components"]!.AsArray())
            components.AddRow(E(c!["name"]), StatusMarkup((string?)c["status"]), E(c["description"]), Duration(c["durationMs"]));
        console.Write(components);
        var runs = s["runs"]!.AsObject();
        console.MarkupLine("[grey]Runs:[/] " + string.Join("  ", runs.Select(r => $"{PlainText.Escape(r.Key)} [bold]{E(r.Value)}[/]")));
        console.MarkupLine($"[grey]Queue depth:[/] [bold]{E(s["queueDepth"])}[/]");
        var workers = s["workers"]!.AsArray();
        if (workers.Count == 0)
        {
            console.MarkupLine("[grey]No process recorded run events in the last 10 minutes.[/]");
            return;
        }

        var table = new Table().Border(TableBorder.Simple).AddColumns("Worker", "Host", "PID", "Last seen");
        foreach (var w in workers)
            table.AddRow(E(w!["application"]), E(w["host"]), E(w["processId"]), PlainText.Escape(Cells.Relative(w["lastSeenAt"])));
        console.Write(table);
    }

    public static void Insights(IAnsiConsole console, JsonNode i)
    {
        var outcomes = i["outcomes"]!;
        var rate = i["successRate"] is { } r ? $"{r.GetValue<double>() * 100:0.#}%" : "n/a";
        console.MarkupLine($"Last {E(i["timeRangeHours"])} h: submitted [bold]{E(outcomes["submitted"])}[/], completed [green]{E(outcomes["completed"])}[/], " +
                           $"failed [red]{E(outcomes["failed"])}[/], rolled back {E(outcomes["rolledBack"])}, cancelled {E(outcomes["cancelled"])}, " +
                           $"rejected {E(outcomes["rejected"])}; success rate [bold]{rate}[/]");
        var phases = new Table().Border(TableBorder.Simple).AddColumns("Phase", "Runs", "Failed", "p50", "p95", "Max");
        foreach (var p in i["phaseDurations"]!.AsArray())
            phases.AddRow(E(p!["phase"]), E(p["count"]), E(p["failed"]), Duration(p["p50Ms"]), Duration(p["p95Ms"]), Duration(p["maxMs"]));
        console.Write(phases);
        var reasons = i["topFailureReasons"]!.AsArray();
        if (reasons.Count > 0)
        {
            var table = new Table().Border(TableBorder.Simple).AddColumns("Failure", "Phase", "Count", "Example");
            foreach (var f in reasons)
                table.AddRow(E(f!["errorCode"]), E(f["phase"]), E(f["count"]), E(f["example"]));
            console.Write(table);
        }

        var llm = i["llm"]!;
        console.MarkupLine($"[grey]Model calls:[/] {E(llm["calls"])}, tokens {E(llm["inputTokens"])} in / {E(llm["outputTokens"])} out, cost {E(llm["cost"])}");
    }
}
