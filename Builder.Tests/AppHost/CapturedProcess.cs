using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Builder.Tests.AppHost;

/// <summary>A child process whose output is kept, so a failed assertion can show what the process said.</summary>
sealed class CapturedProcess : IAsyncDisposable
{
    const int SIGTERM = 15;

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int sig);

    readonly Process process;
    readonly StringBuilder output = new();

    CapturedProcess(Process process) => this.process = process;

    public static CapturedProcess Start(string file, IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in args)
            psi.ArgumentList.Add(arg);
        // dotnet test exports the SDK's MSBuild paths; a nested dotnet CLI must find its own.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            psi.Environment[name] = value;

        var captured = new CapturedProcess(new Process { StartInfo = psi });
        captured.process.OutputDataReceived += (_, e) => captured.Append(e.Data);
        captured.process.ErrorDataReceived += (_, e) => captured.Append(e.Data);
        captured.process.Start();
        captured.process.StandardInput.Close();
        captured.process.BeginOutputReadLine();
        captured.process.BeginErrorReadLine();
        return captured;
    }

    void Append(string? line)
    {
        if (line is null)
            return;
        lock (output)
            output.AppendLine(line);
    }

    public string Output
    {
        get
        {
            lock (output)
                return output.ToString();
        }
    }

    public bool HasExited => process.HasExited;
    public int ExitCode => process.ExitCode;

    /// <summary>The process and what it printed, for assertion messages (the end, where failures are).</summary>
    public string Describe(string what)
    {
        var text = Output;
        if (text.Length > 20_000)
            text = "..." + text[^20_000..];
        var state = HasExited ? $"exited with {ExitCode}" : "still running";
        return $"{what}; process {state}; its output:{Environment.NewLine}{text}";
    }

    public void Terminate() => kill(process.Id, SIGTERM);

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Polls <paramref name="url"/> until it answers, the process exits, or the time is up; returns the last status seen.</summary>
    public async Task<HttpStatusCode?> WaitForOkAsync(HttpClient http, string url, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        HttpStatusCode? last = null;
        while (DateTime.UtcNow < deadline && !HasExited)
        {
            try
            {
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                using var response = await http.GetAsync(url, attempt.Token);
                last = response.StatusCode;
                // A server that answers other than 5xx has given its answer; 5xx may be a start-up in progress.
                if ((int)response.StatusCode < 500)
                    return last;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(500);
        }
        return last;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
        process.Dispose();
    }
}

static class Loopback
{
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var l in listeners)
                l.Start();
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var l in listeners)
                l.Stop();
        }
    }

    /// <summary>Whether a server could listen on <paramref name="port"/> now.</summary>
    public static bool IsFree(int port)
    {
        using var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            listener.Stop();
        }
    }

    public static bool AcceptsConnections(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

static class RepositoryRoot
{
    /// <summary>The folder holding Builder.sln, above the current directory or the test binaries.</summary>
    public static string Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Builder.sln")))
                    return dir.FullName;
            }
        }
        throw new InvalidOperationException("Builder.sln not found above " + Directory.GetCurrentDirectory());
    }
}
