using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Builder.Benchmarks.HotPaths;

/// <summary>
/// PostgreSQL for a benchmark: the server named by BUILDER_BENCH_POSTGRES, or else a throw-away
/// cluster of the Debian package in a temporary folder, with the settings the AppHost's servers
/// topology gives its own (fsync and synchronous commit off). Null, with the reason printed, when
/// neither is at hand.
/// </summary>
public sealed class BenchPostgres : IAsyncDisposable
{
    public const string Variable = "BUILDER_BENCH_POSTGRES";

    readonly Process? _server;
    readonly string? _folder;

    public string ConnectionString { get; }

    BenchPostgres(string connectionString, Process? server, string? folder)
    {
        ConnectionString = connectionString;
        _server = server;
        _folder = folder;
    }

    public static async Task<BenchPostgres?> StartAsync(string database)
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
            return await WithDatabaseAsync(given, database, null, null);

        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).Order().LastOrDefault(b => File.Exists(Path.Combine(b, "postgres")))
            : null;
        if (bin is null)
        {
            Console.WriteLine($"// PostgreSQL case skipped: no server in /usr/lib/postgresql and {Variable} is not set.");
            return null;
        }

        var folder = Directory.CreateDirectory(Path.Combine("/tmp", $"builder-bench-pg-{Guid.NewGuid():N}"[..26])).FullName;
        // The server refuses to run as root: as root it runs as the postgres user, as the AppHost does.
        var root = Environment.UserName == "root";
        if (root)
            await RunAsync("chown", ["postgres:postgres", folder]);
        var cluster = Path.Combine(folder, "cluster");
        await RunAsync(AsUser(root, Path.Combine(bin, "initdb")), [.. Prefix(root, Path.Combine(bin, "initdb")),
            "-D", cluster, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
        var port = LocalProcesses.FreePort();
        var server = Process.Start(new ProcessStartInfo(AsUser(root, Path.Combine(bin, "postgres")), [.. Prefix(root, Path.Combine(bin, "postgres")),
            "-D", cluster, "-p", $"{port}", "-k", folder, "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var admin = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=3;Pooling=false";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(admin);
                await connection.OpenAsync();
                break;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline && !server.HasExited)
            {
                await Task.Delay(100);
            }
        }

        return await WithDatabaseAsync($"Host=127.0.0.1;Port={port};Username=postgres", database, server, folder);
    }

    static async Task<BenchPostgres> WithDatabaseAsync(string server, string database, Process? process, string? folder)
    {
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false };
        await using (var connection = new NpgsqlConnection(builder.ConnectionString))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop database if exists {database} with (force)", connection);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"create database {database}", connection);
            await create.ExecuteNonQueryAsync();
        }

        builder.Database = database;
        builder.Pooling = true;
        return new BenchPostgres(builder.ConnectionString, process, folder);
    }

    static string AsUser(bool root, string program) => root ? "setpriv" : program;

    static string[] Prefix(bool root, string program) => root ? ["--reuid=postgres", "--regid=postgres", "--init-groups", program] : [];

    static async Task RunAsync(string program, string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed: {error}{await output}");
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_server is { HasExited: false })
        {
            // SIGINT: PostgreSQL's fast shutdown.
            LocalProcesses.Signal(_server.Id, 2);
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _server.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                _server.Kill();
            }
        }

        if (_folder is not null)
            Directory.Delete(_folder, recursive: true);
    }
}
