using System.Diagnostics;
using System.Text.Json.Nodes;
using Npgsql;

namespace Builder.Benchmarks.Load;

/// <summary>
/// PostgreSQL, RabbitMQ and Redis as the AppHost starts them (its servers topology, the distributed
/// topology's own servers), in a folder of this run; stopped with SIGTERM, as ./test.sh stops them.
/// </summary>
public sealed class LoadServers : IAsyncDisposable
{
    readonly Process _appHost;

    public string Folder { get; }
    public string Postgres { get; private set; } = "";
    public string Redis { get; private set; } = "";
    public string RabbitMq { get; private set; } = "";
    public IReadOnlyList<string> VirtualHosts { get; private set; } = [];

    LoadServers(Process appHost, string folder)
    {
        _appHost = appHost;
        Folder = folder;
    }

    public static async Task<LoadServers> StartAsync(string root, int virtualHosts)
    {
        var folder = Directory.CreateDirectory(Path.Combine("/tmp", $"builder-load-{Guid.NewGuid():N}"[..24])).FullName;
        // The postgres user must reach its folder inside.
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("The load benchmark starts the servers the Linux way.");
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        var vhosts = string.Join(',', Enumerable.Range(1, virtualHosts).Select(i => $"load-{i}"));
        var start = new ProcessStartInfo("dotnet", ["run", "--no-build", "-c", "Release", "--project", "Builder.AppHost", "--",
            "--topology", "servers", "--data-dir", folder, "--rabbitmq-vhosts", vhosts])
        {
            WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        var appHost = Process.Start(start)!;
        appHost.OutputDataReceived += (_, _) => { };
        appHost.ErrorDataReceived += (_, _) => { };
        appHost.BeginOutputReadLine();
        appHost.BeginErrorReadLine();
        var servers = new LoadServers(appHost, folder);
        var file = Path.Combine(folder, "servers", "servers.json");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (!File.Exists(file) || new FileInfo(file).Length == 0)
        {
            if (appHost.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"The AppHost's servers did not start (see {folder}).");
            await Task.Delay(100);
        }

        var json = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
        servers.Postgres = json["postgres"]!.GetValue<string>().Replace(";Database=builder", "");
        servers.Redis = json["redis"]!.GetValue<string>();
        servers.RabbitMq = json["rabbitmq"]!.GetValue<string>().TrimEnd('/');
        servers.VirtualHosts = json["rabbitmqVirtualHosts"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
        return servers;
    }

    /// <summary>A database of its own for one measurement.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection($"{Postgres};Database=postgres");
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"create database {name}", connection);
        await create.ExecuteNonQueryAsync();
        return $"{Postgres};Database={name}";
    }

    public string VirtualHost(int index) => $"{RabbitMq}/{Uri.EscapeDataString(VirtualHosts[index])}";

    public async ValueTask DisposeAsync()
    {
        if (!_appHost.HasExited)
        {
            LocalProcesses.Signal(_appHost.Id, 15);
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _appHost.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                _appHost.Kill(entireProcessTree: true);
            }
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}
