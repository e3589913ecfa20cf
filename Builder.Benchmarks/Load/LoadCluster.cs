using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Builder.Benchmarks.Load;

/// <summary>The distributed topology as processes from the Release build: one Api (no worker inside) and N workers.</summary>
public sealed class LoadCluster : IAsyncDisposable
{
    public const string AdminKey = "bld-load-admin-key-0123456789";

    readonly List<Process> _processes = [];
    readonly string _data;

    public Uri Api { get; }
    public int ApiPid => _processes[0].Id;
    public IReadOnlyList<int> WorkerPids => _processes.Skip(1).Select(p => p.Id).ToList();

    LoadCluster(Uri api, string data)
    {
        Api = api;
        _data = data;
    }

    /// <param name="telemetry">Variables for every process (OpenTelemetry's exporter settings), or none.</param>
    public static async Task<LoadCluster> StartAsync(string root, int workers, string database, string vhost, string redis, string folder,
        IReadOnlyDictionary<string, string>? telemetry = null)
    {
        var port = LocalProcesses.FreePort();
        var cluster = new LoadCluster(new Uri($"http://127.0.0.1:{port}"), Directory.CreateDirectory(folder).FullName);
        var shared = new Dictionary<string, string>
        {
            ["ConnectionStrings__builderdb"] = database,
            ["ConnectionStrings__messaging"] = vhost,
            ["ConnectionStrings__cache"] = redis,
            ["Builder__Bootstrap__AdminKey"] = AdminKey,
            // The driver is one client asking hundreds of times a second: the per-key limit would measure itself.
            ["Builder__RateLimits__PermitsPerSecond"] = "100000",
            ["Builder__RateLimits__Burst"] = "100000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in telemetry ?? new Dictionary<string, string>())
            shared[key] = value;
        cluster.Start(root, "Builder.Api", "api", port, shared, ("Builder__Api__HostWorker", "false"));
        for (var i = 1; i <= workers; i++)
            cluster.Start(root, "Builder.Worker", $"worker-{i}", LocalProcesses.FreePort(), shared);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            try
            {
                if ((await http.GetAsync(new Uri(cluster.Api, "/health"))).IsSuccessStatusCode)
                    break;
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline || cluster._processes.Any(p => p.HasExited))
                throw new InvalidOperationException("The Api or a worker did not start.");
            await Task.Delay(200);
        }

        // Workers are ready once they have migrated nothing more and joined the bus: a moment after the Api.
        await Task.Delay(TimeSpan.FromSeconds(3));
        return cluster;
    }

    void Start(string root, string project, string name, int port, Dictionary<string, string> shared, params (string Key, string Value)[] extra)
    {
        var dll = Path.Combine(root, project, "bin", "Release", "net10.0", $"{project}.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException($"{dll} is missing: build the solution in Release first (dotnet build -c Release).");
        var start = new ProcessStartInfo("dotnet", [dll]) { WorkingDirectory = Path.Combine(root, project), RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in shared)
            start.Environment[key] = value;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Builder__DataDirectory"] = Path.Combine(_data, name);
        foreach (var (key, value) in extra)
            start.Environment[key] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
    }

    /// <summary>Resident memory of a process, in MiB.</summary>
    public static double ResidentMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }

    /// <summary>
    /// SIGTERM first, as a supervisor stops them: the host stops, and OpenTelemetry's exporter sends
    /// the spans it still holds. What has not stopped after 20 s is killed.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes.Where(p => !p.HasExited))
            LocalProcesses.Signal(process.Id, 15);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        foreach (var process in _processes)
        {
            try
            {
                await process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }
    }
}
