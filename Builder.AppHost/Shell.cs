using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Builder.AppHost;

/// <summary>A message for the user, printed as one line without a stack trace.</summary>
sealed class AppHostException(string message) : Exception(message);

sealed record CommandResult(int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>Runs commands to completion.</summary>
static class Shell
{
    [DllImport("libc")]
    static extern uint geteuid();

    public static bool IsRoot { get; } = !OperatingSystem.IsWindows() && geteuid() == 0;

    public static string? Which(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    /// <summary>Runs a command to completion and returns its exit code and combined output.</summary>
    /// <param name="asUser">Run through runuser as this user when we are root (PostgreSQL refuses to run as root).</param>
    public static async Task<CommandResult> RunAsync(
        string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null,
        string? asUser = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo
        {
            FileName = file,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        if (asUser is not null && IsRoot)
        {
            psi.FileName = "runuser";
            foreach (var a in (string[])["-u", asUser, "--", file])
                psi.ArgumentList.Add(a);
        }
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
            psi.Environment[k] = v;

        var output = new StringBuilder();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            // Daemonizing servers (rabbitmq-server -detached) keep our pipes open after the command
            // itself exits, so wait for the process, not for the end of its output.
            await WaitForPidExitAsync(process, cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            lock (output)
                return new CommandResult(-1, output + $"(timed out after {(timeout ?? TimeSpan.FromMinutes(2)).TotalSeconds:0} s)");
        }
        lock (output)
            return new CommandResult(process.ExitCode, output.ToString());
    }

    static async Task WaitForPidExitAsync(Process process, CancellationToken ct)
    {
        while (!process.HasExited)
            await Task.Delay(50, ct);
        // Give the readers a moment to drain what was written before the exit.
        await Task.Delay(50, CancellationToken.None);
    }

    public static string Tail(string text, int lines = 20) =>
        string.Join(Environment.NewLine, text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).TakeLast(lines));

    public static string TailOfFile(string path, int lines = 20)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return Tail(reader.ReadToEnd(), lines);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"(no log at {path})";
        }
    }
}
