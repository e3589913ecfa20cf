using System.Diagnostics;
using System.Text;

namespace Builder.Benchmarks.Verify;

/// <summary>What one command did: its exit code, its output (stdout and stderr together) and how long it took.</summary>
public sealed record CommandResult(string Command, int ExitCode, string Output, TimeSpan Duration)
{
    public CommandResult EnsureSucceeded() => ExitCode == 0 ? this
        : throw new InvalidOperationException($"{Command} exited with {ExitCode}:\n{Tail(Output)}");

    static string Tail(string text) => text.Length > 4000 ? "…" + text[^4000..] : text;
}

/// <summary>Runs plain commands (git, dotnet) the way a developer types them, with extra environment variables.</summary>
public sealed class Shell(IReadOnlyDictionary<string, string> environment)
{
    public async Task<CommandResult> RunAsync(string directory, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;

        var output = new StringBuilder();
        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync();
        watch.Stop();
        lock (output)
            return new CommandResult($"{file} {string.Join(' ', args)}", process.ExitCode, output.ToString(), watch.Elapsed);
    }

    static void Append(StringBuilder output, string? line)
    {
        if (line is null)
            return;
        lock (output)
            output.Append(line).Append('\n');
    }
}
