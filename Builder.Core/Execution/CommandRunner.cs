using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Builder.Core.Execution;

public sealed record CommandResult(int ExitCode, string Output, bool TimedOut, TimeSpan Duration)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>The last lines of the output, for error messages.</summary>
    public string Tail(int lines = 40) => string.Join('\n', Output.TrimEnd().Split('\n').TakeLast(lines));
}

public sealed record CommandSpec(string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory)
{
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Output beyond this many characters keeps only its tail (the end of a log says most).</summary>
    public int MaxOutputChars { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// False starts the child from <see cref="Environment"/> alone instead of the worker's
    /// environment, which holds connection strings and keys.
    /// </summary>
    public bool InheritEnvironment { get; init; } = true;

    /// <summary>Written to the child's standard input, which is then closed (it is closed at once when null).</summary>
    public string? StandardInput { get; init; }

    public static CommandSpec Shell(string command, string workingDirectory) => new("bash", ["-c", command], workingDirectory);
}

/// <summary>
/// Runs a child process in a session of its own (setsid), so that a timeout or a cancellation kills
/// its whole process tree by process group — including grandchildren a build tool left behind.
/// </summary>
public sealed class CommandRunner(ILogger<CommandRunner> logger)
{
    public async Task<CommandResult> RunAsync(CommandSpec spec, CancellationToken cancellationToken, Action<string>? onLine = null)
    {
        var psi = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = spec.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (!spec.InheritEnvironment)
            psi.Environment.Clear();
        psi.ArgumentList.Add("--wait");
        psi.ArgumentList.Add(spec.FileName);
        foreach (var argument in spec.Arguments)
            psi.ArgumentList.Add(argument);
        foreach (var (name, value) in spec.Environment)
        {
            if (value is null)
                psi.Environment.Remove(name);
            else
                psi.Environment[name] = value;
        }

        var output = new OutputBuffer(spec.MaxOutputChars);
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => Receive(e.Data);
        process.ErrorDataReceived += (_, e) => Receive(e.Data);
        await ProcessLauncher.StartAsync(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Not awaited: a child that never reads must still meet its timeout.
        _ = WriteInputAsync(process, spec.StandardInput);

        using var timeout = new CancellationTokenSource(spec.Timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token);
            process.WaitForExit(); // drains the redirected streams
        }
        catch (OperationCanceledException)
        {
            KillProcessGroup(process);
            await WaitAfterKillAsync(process, output);
            if (!timeout.IsCancellationRequested)
                throw;

            output.Append($"[builder] command timed out after {spec.Timeout} and was killed with its process tree");
            return new CommandResult(-1, output.ToString(), TimedOut: true, stopwatch.Elapsed);
        }

        return new CommandResult(process.ExitCode, output.ToString(), TimedOut: false, stopwatch.Elapsed);

        void Receive(string? line)
        {
            if (line is null)
                return;
            output.Append(line);
            onLine?.Invoke(line);
        }
    }

    static async Task WriteInputAsync(Process process, string? input)
    {
        try
        {
            if (input is not null)
                await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The child exited (or closed its input) before reading all of it: its exit code says what happened.
        }
    }

    /// <summary>
    /// Waits for the killed child and the end of its output. A process that left the group (its own
    /// setsid) may hold the output pipe open for ever: the result must not wait for it.
    /// </summary>
    async Task WaitAfterKillAsync(Process process, OutputBuffer output)
    {
        using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(drain.Token);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("The output of killed process {Pid} is still held open by a process outside its group", process.Id);
            output.Append("[builder] a process outside the killed tree still held the output open; output after this point is lost");
        }
    }

    void KillProcessGroup(Process process)
    {
        try
        {
            // setsid exec'd the command in place, so its pid is the process group id.
            if (kill(-process.Id, SIGKILL) != 0)
                process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            logger.LogDebug(ex, "Process {Pid} had already exited", process.Id);
        }
    }

    const int SIGKILL = 9;

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int sig);
}
