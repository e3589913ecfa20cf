using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Builder.Worker.Pipeline;
using Builder.Worker.Sandbox;
using Microsoft.Extensions.Options;

namespace Builder.Worker.Deployment.Local;

/// <summary>
/// Services on this machine: a release folder per version, the start command supervised in the same
/// sandbox as builds (its own network namespace, reached from the host on its loopback port through
/// the sandbox's ingress relay and reaching out only to the hosts its release allows; the manifest's
/// memory and process limits; an environment of the manifest's variables and PORT only), and the
/// stable address on <see cref="ServiceGateway"/>.
/// </summary>
public sealed class LocalDeployTarget(ISandbox sandbox, ServiceGateway gateway, IOptions<DeployOptions> options, ILogger<LocalDeployTarget> logger)
    : IDeployTarget, IServiceOutputSource, IHostedService
{
    readonly ConcurrentDictionary<Guid, SupervisedProcess> _running = new();

    public string Name => "local";

    public string StableAddress(string service) => gateway.Address(service);

    public Task CheckAsync(DeployManifest manifest, CancellationToken cancellationToken)
    {
        if (manifest.Port is { } port)
            throw new PhaseFailedException("manifest_invalid",
                $"builder.yaml: port {port} is fixed, but the local target starts each version beside the live one on its own port; listen on $PORT instead.");
        return Task.CompletedTask;
    }

    public async Task<PublishedRelease> PublishAsync(Release release, CancellationToken cancellationToken)
    {
        if (Directory.Exists(release.Folder))
            Directory.Delete(release.Folder, recursive: true);
        CopyTree(release.Workspace, release.Folder);
        Directory.CreateDirectory(DataFolder(release));

        var command = release.Manifest.Publish;
        if (command is null)
            return new PublishedRelease(release.Folder, null, "", TimeSpan.Zero);

        var stopwatch = Stopwatch.StartNew();
        // Like restore, publishing may fetch packages: only from the runtime's registries.
        var result = await sandbox.RunAsync(new SandboxRequest(command, release.Folder)
        {
            Network = true,
            Egress = release.PublishEgress,
            OnEgressDenied = release.OnEgressDenied is { } publishDenied ? denial => publishDenied("publish", denial) : null,
            Environment = Environment(release, port: null),
            Timeout = options.Value.PublishTimeout,
            MemoryBytes = Math.Max(release.Manifest.Resources.MemoryBytes, 2L * 1024 * 1024 * 1024),
            MaxProcesses = Math.Max(release.Manifest.Resources.MaxProcesses, 512),
        }, cancellationToken);
        if (!result.Succeeded)
            throw new PhaseFailedException("publish_failed", $"Publishing the release failed ({Phases.StepRunner.Describe(result)}): {command}\n{result.Tail()}");
        return new PublishedRelease(release.Folder, command, result.Output, stopwatch.Elapsed);
    }

    public Task<Uri> StartAsync(Release release, Action<string> onRestart, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var request = new SandboxRequest(release.Manifest.Start, release.Folder)
        {
            Network = release.ServiceEgress is not null,
            Egress = release.ServiceEgress,
            OnEgressDenied = release.OnEgressDenied is { } serviceDenied ? denial => serviceDenied("service", denial) : null,
            ListenPort = port,
            Environment = Environment(release, port),
            WritableBinds = [DataFolder(release)],
            Timeout = TimeSpan.FromDays(1),
            MemoryBytes = release.Manifest.Resources.MemoryBytes,
            MaxProcesses = release.Manifest.Resources.MaxProcesses,
        };
        var process = new SupervisedProcess(sandbox, request, options.Value.MaxRestarts, onRestart, logger);
        if (_running.TryRemove(release.VersionId, out var earlier))
            _ = earlier.StopAsync();
        _running[release.VersionId] = process;
        process.Start();
        return Task.FromResult(new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>Local versions are the worker's children: nothing outlives it to adopt.</summary>
    public Task<Uri?> AdoptAsync(Release release, CancellationToken cancellationToken) => Task.FromResult<Uri?>(null);

    public Task<bool> IsRunningAsync(Guid versionId, CancellationToken cancellationToken) =>
        Task.FromResult(_running.TryGetValue(versionId, out var process) && process.Running);

    public string? OutputTail(Guid versionId) => _running.TryGetValue(versionId, out var process) ? process.Tail() : null;

    public ServiceOutput? TakeOutput(Guid versionId) => _running.TryGetValue(versionId, out var process) ? process.TakeOutput() : null;

    public Task<bool> RouteAsync(string service, Uri? version, CancellationToken cancellationToken) => Task.FromResult(gateway.Route(service, version));

    public async Task StopAsync(Guid versionId)
    {
        if (_running.TryRemove(versionId, out var process))
            await process.StopAsync();
    }

    /// <summary>Built from nothing but the manifest: the worker's own variables never reach a service.</summary>
    static Dictionary<string, string?> Environment(Release release, int? port)
    {
        var environment = release.Manifest.Environment.ToDictionary(e => e.Key, e => (string?)e.Value);
        environment["BUILDER_SERVICE"] = release.Manifest.Service;
        environment["BUILDER_VERSION"] = release.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["DATA_DIR"] = DataFolder(release);
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        if (port is not null)
            environment["PORT"] = port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return environment;
    }

    static string DataFolder(Release release) => release.Folder + ".data";

    /// <summary>A free port of the service range, tried from a random place so two workers rarely race for one.</summary>
    public int FreePort()
    {
        var (first, last) = (options.Value.FirstServicePort, options.Value.LastServicePort);
        var count = last - first + 1;
        var start = Random.Shared.Next(count);
        for (var i = 0; i < count; i++)
        {
            var port = first + (start + i) % count;
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new PhaseFailedException("no_free_port", $"No loopback port is free between {first} and {last} (Builder:Deploy:FirstServicePort/LastServicePort).");
    }

    static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, directory);
            if (!IsGit(relative))
                Directory.CreateDirectory(Path.Combine(to, relative));
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (!IsGit(relative))
                File.Copy(file, Path.Combine(to, relative), overwrite: true);
        }
    }

    static bool IsGit(string relative) => relative == ".git" || relative.StartsWith(".git" + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A stopping worker stops its services: they are its children, and nothing would supervise them after it.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var versionId in _running.Keys.ToList())
            await StopAsync(versionId);
    }
}
