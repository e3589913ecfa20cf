using System.Diagnostics;

namespace Builder.AppHost;

/// <summary>
/// A .NET project run from its build output: logs streamed with a <c>[name] </c> prefix, the last
/// lines kept for when it dies, health polled over HTTP.
/// </summary>
sealed class ProcessResource(string name, string dotnet, string assembly, string workingDirectory,
    IReadOnlyDictionary<string, string> environment, int port, string healthPath) : IResource
{
    const int TailLines = 40;

    readonly Queue<string> tail = new();
    readonly TaskCompletionSource<int> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    Process? process;

    public string Name => name;
    public string Url => $"http://127.0.0.1:{port}";
    public string State { get; private set; } = "pending";
    public string Health { get; private set; } = "unknown";

    /// <summary>Completes with the exit code once the process has exited and its output has been read.</summary>
    public Task<int> Exited => exited.Task;

    public void Start()
    {
        var psi = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(assembly);
        foreach (var (key, value) in environment)
            psi.Environment[key] = value;

        process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => Log(e.Data);
        process.ErrorDataReceived += (_, e) => Log(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        State = "starting";
        _ = WatchAsync(process);
    }

    async Task WatchAsync(Process p)
    {
        await p.WaitForExitAsync();
        State = $"exited ({p.ExitCode})";
        Health = "-";
        exited.TrySetResult(p.ExitCode);
    }

    void Log(string? line)
    {
        if (line is null)
            return;
        lock (tail)
        {
            tail.Enqueue(line);
            if (tail.Count > TailLines)
                tail.Dequeue();
        }
        Console.Out.WriteLine($"[{name}] {line}");
    }

    public string LastLines()
    {
        lock (tail)
            return string.Join(Environment.NewLine, tail.Select(l => $"[{name}] {l}"));
    }

    /// <summary>Polls the health endpoint until it answers 200; false on timeout or when the process exits first.</summary>
    public async Task<bool> WaitHealthyAsync(HttpClient http, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Exited.IsCompleted && DateTime.UtcNow < deadline)
        {
            if (await IsHealthyAsync(http, ct))
            {
                State = "running";
                Health = "healthy";
                return true;
            }
            await Task.WhenAny(Task.Delay(500, ct), Exited);
            ct.ThrowIfCancellationRequested();
        }
        Health = Exited.IsCompleted ? "-" : "unhealthy";
        return false;
    }

    async Task<bool> IsHealthyAsync(HttpClient http, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            using var response = await http.GetAsync(Url + healthPath, timeout.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>SIGTERM so the host shuts down gracefully; killed with its descendants after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (process is null || Exited.IsCompleted)
            return;
        State = "stopping";
        Pids.Terminate(process.Id);
        if (await Task.WhenAny(Exited, Task.Delay(grace)) != Exited)
        {
            Console.Error.WriteLine($"[{name}] did not stop within {grace.TotalSeconds:0} s: killing it");
            process.Kill(entireProcessTree: true);
            await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(5)));
        }
        State = "stopped";
    }
}
