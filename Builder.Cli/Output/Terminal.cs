using System.Text.Json;
using System.Text.Json.Nodes;
using Builder.Cli.Api;
using Spectre.Console;

namespace Builder.Cli.Output;

/// <summary>
/// Where a command writes. With --json, stdout carries exactly one JSON document and nothing else;
/// without it, people get tables and colours. Errors always go to stderr.
/// </summary>
public sealed class Terminal
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public Terminal(bool json)
    {
        Json = json;
        Out = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        Error = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        // Redirected output is read by programs or kept in logs: do not wrap it at 80 columns.
        if (Console.IsOutputRedirected)
            Out.Profile.Width = 4096;
        if (Console.IsErrorRedirected)
            Error.Profile.Width = 4096;
    }

    public bool Json { get; }

    /// <summary>Human output on stdout; never used with --json.</summary>
    public IAnsiConsole Out { get; }

    public IAnsiConsole Error { get; }

    /// <summary>
    /// How wide a title may be in a table: piped output keeps one run per line for the programs that
    /// read it, and a narrow terminal keeps room for the other columns; a wide one shows it whole.
    /// </summary>
    public int? TitleWidth => Console.IsOutputRedirected ? PipedTitleWidth
        : Out.Profile.Width < WideTerminal ? Math.Max(MinimumTitleWidth, Out.Profile.Width - OtherColumnsWidth)
        : null;

    const int PipedTitleWidth = 48;
    const int WideTerminal = 140;
    const int OtherColumnsWidth = 80;
    const int MinimumTitleWidth = 16;

    /// <summary>Progress bars redraw in place, which only a terminal can show.</summary>
    public bool Interactive => !Json && !Console.IsOutputRedirected && Out.Profile.Capabilities.Interactive;

    public void WriteJson(JsonNode? node) => Console.Out.WriteLine(node?.ToJsonString(Indented) ?? "null");

    /// <summary>The API's problem detail on stderr: the problem document itself with --json, else a sentence and the fields.</summary>
    public void Problem(ApiException problem)
    {
        if (Json)
        {
            Console.Error.WriteLine(problem.Problem?.ToJsonString(Indented)
                                    ?? new JsonObject { ["status"] = (int)problem.Status, ["detail"] = problem.Message }.ToJsonString(Indented));
            return;
        }

        Error.MarkupLine($"[red]Error:[/] {PlainText.Escape(problem.Message)}");
        foreach (var (field, message) in problem.Errors.Where(e => !problem.Message.Contains(e.Message, StringComparison.Ordinal)))
            Error.MarkupLine($"  [grey]{PlainText.Escape(field)}:[/] {PlainText.Escape(message)}");
    }

    public void Fail(string message)
    {
        if (Json)
            Console.Error.WriteLine(new JsonObject { ["error"] = message }.ToJsonString(Indented));
        else
            Error.MarkupLine($"[red]Error:[/] {PlainText.Escape(message)}");
    }

    public void Line(string markup) => Out.MarkupLine(markup);
}
