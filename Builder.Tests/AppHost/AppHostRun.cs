using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Builder.Tests.AppHost;

/// <summary>
/// The real AppHost started in the test through <c>Aspire.Hosting.Testing</c>, with its data in a folder of
/// its own, on free ports, and every process it starts marked so the test can see none outlives it.
/// </summary>
sealed class AppHostRun : IAsyncDisposable
{
    static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    static readonly TimeSpan ChildrenStopTimeout = TimeSpan.FromSeconds(60);

    readonly ITestOutputHelper log;
    bool stopped;

    AppHostRun(DistributedApplication app, DirectoryInfo data, StartedProcesses processes, string[] resources, ITestOutputHelper log)
    {
        App = app;
        Data = data;
        Processes = processes;
        Resources = resources;
        this.log = log;
    }

    public DistributedApplication App { get; }
    public DirectoryInfo Data { get; }
    public StartedProcesses Processes { get; }
    public string[] Resources { get; }

    public string AdminKey => File.ReadAllText(Path.Combine(Data.FullName, "admin-key")).Trim();

    /// <summary>Starts the AppHost and waits until each of <paramref name="healthy"/> reports healthy.</summary>
    public static async Task<AppHostRun> StartAsync(string topology, string[] healthy, ITestOutputHelper log, params string[] options)
    {
        var data = Directory.CreateTempSubdirectory("builder-aspire-");
        // PostgreSQL runs as its own user, which must be able to reach its folder under this one.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(data.FullName, (UnixFileMode)0b111_101_101);
        var ports = Loopback.FreePorts(2);
        var processes = new StartedProcesses();
        using var timeout = new CancellationTokenSource(StartTimeout);
        var clock = Stopwatch.StartNew();
        DistributedApplication app;
        // DCP inherits the marker from this process and hands it to everything it starts.
        Environment.SetEnvironmentVariable(StartedProcesses.Variable, processes.Marker);
        try
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Builder_AppHost>(
                ["--topology", topology, "--api-port", $"{ports[0]}", "--web-port", $"{ports[1]}", "--data-dir", data.FullName, .. options],
                timeout.Token);
            // The test log should hold what the test says and what went wrong, not every poll of a resource
            // that is still starting (their state is in the assertion messages).
            builder.Services.AddLogging(logging => logging
                .AddFilter("System.Net.Http", LogLevel.Warning)
                .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
                .AddFilter("Builder.AppHost.Resources", LogLevel.Warning));
            app = await builder.BuildAsync(timeout.Token);
            await app.StartAsync(timeout.Token);
        }
        finally
        {
            Environment.SetEnvironmentVariable(StartedProcesses.Variable, null);
        }

        var run = new AppHostRun(app, data, processes, [.. app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Select(r => r.Name)], log);
        try
        {
            await Task.WhenAll(healthy.Select(name => app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token)));
        }
        catch (OperationCanceledException)
        {
            await run.DisposeAsync();
            throw new TimeoutException($"Not healthy within {StartTimeout.TotalSeconds:0} s: {run.DescribeResources()}");
        }
        processes.Remember();
        // Else the check that none outlives the stop would prove nothing.
        var started = processes.Alive();
        started.ShouldNotBeEmpty("no process carries the run's marker");
        log.WriteLine($"{started.Count} processes started by the AppHost");
        log.WriteLine($"{topology}: {string.Join(", ", healthy)} healthy {clock.Elapsed.TotalSeconds:0.0} s after the AppHost was started");
        return run;
    }

    /// <summary>Each resource's state and health, as the dashboard would show them.</summary>
    public string DescribeResources() => string.Join("; ", Resources.Select(name =>
        App.ResourceNotifications.TryGetCurrentState(name, out var e)
            ? $"{name}: {e.Snapshot.State?.Text ?? "?"}, {e.Snapshot.HealthStatus?.ToString() ?? "no health check"}, exit code {e.Snapshot.ExitCode?.ToString() ?? "-"}"
            : $"{name}: unknown"));

    /// <summary>Resources that are neither running healthy nor finished with exit code 0.</summary>
    public IReadOnlyList<string> Unwell() => [.. Resources.Where(name =>
    {
        if (!App.ResourceNotifications.TryGetCurrentState(name, out var e))
            return true;
        var snapshot = e.Snapshot;
        // Aspire's own helpers (a project's rebuilder) are hidden and start only on demand.
        if (snapshot.IsHidden)
            return false;
        return snapshot.State?.Text switch
        {
            "Running" => snapshot.HealthStatus is not (null or Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy),
            "Finished" or "Exited" => snapshot.ExitCode != 0,
            _ => true,
        };
    })];

    public HttpClient CreateHttpClient(string resource) => App.CreateHttpClient(resource, "http");

    /// <summary>Stops the AppHost and waits for every process it started to be gone; returns those left.</summary>
    public async Task<IReadOnlyList<string>> StopAsync()
    {
        stopped = true;
        Processes.Remember();
        var clock = Stopwatch.StartNew();
        await App.StopAsync();
        await App.DisposeAsync();
        var left = await Processes.WaitUntilGoneAsync(ChildrenStopTimeout);
        log.WriteLine($"stopped; {(left.Count == 0 ? "no process left" : $"{left.Count} processes left")} {clock.Elapsed.TotalSeconds:0.0} s after stopping");
        return left;
    }

    public async ValueTask DisposeAsync()
    {
        if (!stopped)
            await StopAsync();
        try
        {
            Data.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A server still writing as it stops; the folder is under the temporary directory anyway.
        }
    }
}
