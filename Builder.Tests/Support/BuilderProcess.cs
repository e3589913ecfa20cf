using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Builder.Tests.Support;

/// <summary>One Builder process (Api or Worker) started from its build output, as the AppHost starts it.</summary>
public sealed class BuilderProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly ConcurrentQueue<string> _log = new();

    public string Name { get; }
    public Uri Url { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    BuilderProcess(string name, Process process, Uri url)
    {
        Name = name;
        _process = process;
        Url = url;
    }

    public static BuilderProcess Start(string project, string name, IReadOnlyDictionary<string, string> environment)
    {
        var root = RepositoryRoot();
        // The test assembly runs from Builder.Tests/bin/<Configuration>/net10.0; the others were built beside it.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var dll = Path.Combine(root, project, "bin", configuration, "net10.0", $"{project}.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException($"{dll} is missing: build the solution first (dotnet build -c {configuration}).");

        var url = new Uri($"http://127.0.0.1:{FreePort()}");
        var psi = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.Combine(root, project),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["ASPNETCORE_URLS"] = url.ToString().TrimEnd('/');
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment["DOTNET_ENVIRONMENT"] = "Development";
        psi.Environment["Logging__LogLevel__Default"] = "Information";
        foreach (var (key, value) in environment)
            psi.Environment[key] = value;

        var process = new Process { StartInfo = psi };
        var started = new BuilderProcess(name, process, url);
        process.OutputDataReceived += (_, e) => started.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => started.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    void Keep(string? line)
    {
        if (line is null)
            return;
        _log.Enqueue(line);
        while (_log.Count > 400)
            _log.TryDequeue(out _);
    }

    public string RecentLog => $"--- {Name} (pid {_process.Id}) ---\n{string.Join('\n', _log)}";

    public async Task WaitHealthyAsync(TimeSpan? timeout = null)
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}.\n{RecentLog}");
            try
            {
                if ((await http.GetAsync("/health")).StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{Name} did not become healthy.\n{RecentLog}");
    }

    /// <summary>SIGKILL: the process dies mid-work, as in a crash.</summary>
    public void Crash()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    const int SIGTERM = 15;
    const int SIGKILL = 9;

    /// <summary>SIGKILL to the process alone, as the kernel's OOM killer or a power cut would: its children are left to fend for themselves.</summary>
    public void KillAlone()
    {
        if (kill(_process.Id, SIGKILL) != 0)
            throw new InvalidOperationException($"SIGKILL to {Name} (pid {_process.Id}) failed");
        _process.WaitForExit();
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int sig);

    /// <summary>SIGTERM, as a supervisor stops a service: true when the process exits within <paramref name="timeout"/>.</summary>
    public async Task<bool> TerminateAsync(TimeSpan timeout)
    {
        if (kill(_process.Id, SIGTERM) != 0)
            throw new InvalidOperationException($"SIGTERM to {Name} (pid {_process.Id}) failed");
        using var patience = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(patience.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Builder.sln")))
                return directory.FullName;
        throw new DirectoryNotFoundException("Builder.sln not found above the test assembly.");
    }
}
