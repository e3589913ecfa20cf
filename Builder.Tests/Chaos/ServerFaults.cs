using System.Diagnostics;
using System.Net.Sockets;
using Builder.Tests.Infrastructure;
using Npgsql;

namespace Builder.Tests.Chaos;

/// <summary>
/// Restarts the servers ./test.sh started, for real: PostgreSQL with pg_ctl (every connection is cut
/// and the server comes back on the same port and data), RabbitMQ's application with rabbitmqctl
/// (every connection and channel is closed; durable queues stay), Redis killed and started again
/// with the same command line after a while without it. Each returns once the server answers again.
/// </summary>
public static class ServerFaults
{
    /// <summary>Unpooled: a pooled connection would be one the previous restart already cut.</summary>
    static string Postgres => $"{TestServers.PostgresConnectionString};Pooling=false";

    public static async Task RestartPostgresAsync()
    {
        string dataDirectory;
        await using (var connection = new NpgsqlConnection(Postgres))
        {
            await connection.OpenAsync();
            await using var show = new NpgsqlCommand("show data_directory", connection);
            dataDirectory = (string)(await show.ExecuteScalarAsync())!;
        }

        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).Order().Last();
        var log = Path.Combine(Path.GetDirectoryName(dataDirectory)!, "chaos-restart.log");
        // pg_ctl restarts with the options the server was started with (postmaster.opts): same port, same socket folder.
        var pgCtl = new List<string> { Path.Combine(bin, "pg_ctl"), "restart", "-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "-l", log };
        if (Environment.UserName == "root")
        {
            Run("/bin/sh", ["-c", "touch \"$0\" && chown postgres:postgres \"$0\"", log]);
            Run("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", .. pgCtl]);
        }
        else
        {
            Run(pgCtl[0], pgCtl[1..]);
        }

        await UntilAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(Postgres);
            await connection.OpenAsync();
        }, "PostgreSQL to answer after its restart");
    }

    public static async Task RestartRabbitMqAsync(TimeSpan downtime)
    {
        var port = new Uri(TestServers.RabbitMqUri).Port;
        var environment = ProcessEnvironments().FirstOrDefault(e => e.GetValueOrDefault("RABBITMQ_NODE_PORT") == port.ToString())
                          ?? throw new InvalidOperationException($"No RabbitMQ node listening on {port} was found among this machine's processes.");
        Control(environment, "stop_app");
        await Task.Delay(downtime);
        Control(environment, "start_app");
        await UntilAsync(async () =>
        {
            var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(TestServers.RabbitMqUri) };
            await using var connection = await factory.CreateConnectionAsync();
        }, "RabbitMQ to accept connections after its restart");
    }

    public static async Task DropRedisAsync(TimeSpan downtime)
    {
        var port = TestServers.RedisConnectionString.Split(',')[0].Split(':')[^1];
        // redis-server rewrites its title to "redis-server 127.0.0.1:<port>": found by that, started again as its launcher starts it, in its folder.
        var (pid, _) = Processes().FirstOrDefault(p => p.Arguments.Count > 0 && p.Arguments[0].Contains("redis-server", StringComparison.Ordinal)
                                                       && string.Join(' ', p.Arguments).Contains($":{port}", StringComparison.Ordinal));
        if (pid == 0)
            throw new InvalidOperationException($"No redis-server on port {port} was found among this machine's processes.");
        var folder = new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget ?? throw new InvalidOperationException("redis-server's folder cannot be read");
        Process.GetProcessById(pid).Kill();
        await Task.Delay(downtime);
        // ./test.sh stops whatever of its run folder is still alive at the end, this server too.
        Process.Start(new ProcessStartInfo("/usr/bin/redis-server", ["--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", folder])
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true,
        })!.Dispose();
        await UntilAsync(async () =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", int.Parse(port));
        }, "Redis to accept connections after it was dropped");
    }

    static void Control(IReadOnlyDictionary<string, string> environment, string command)
    {
        var control = new ProcessStartInfo("/usr/lib/rabbitmq/bin/rabbitmqctl", ["-q", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment.Where(e => e.Key.StartsWith("RABBITMQ_", StringComparison.Ordinal) || e.Key.StartsWith("ERL_", StringComparison.Ordinal) || e.Key == "HOME"))
            control.Environment[key] = value;
        control.Environment["RABBITMQ_CTL_DIST_PORT_MIN"] = "0";
        control.Environment["RABBITMQ_CTL_DIST_PORT_MAX"] = "0";
        Run(control);
    }

    static void Run(string command, IEnumerable<string> arguments) =>
        Run(new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true });

    static void Run(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not end within 2 minutes");
        }

        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {errors.Result}{output.Result}");
    }

    static async Task UntilAsync(Func<Task> attempt, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            try
            {
                await attempt();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>Every process this user may read, with its command line.</summary>
    static IEnumerable<(int Pid, IReadOnlyList<string> Arguments)> Processes()
    {
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid))
                continue;
            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(folder, "cmdline"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            yield return (pid, text.Split('\0', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    static IEnumerable<Dictionary<string, string>> ProcessEnvironments()
    {
        foreach (var (pid, _) in Processes())
        {
            string text;
            try
            {
                text = File.ReadAllText($"/proc/{pid}/environ");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in text.Split('\0', StringSplitOptions.RemoveEmptyEntries))
                if (entry.IndexOf('=') is > 0 and var equals)
                    environment[entry[..equals]] = entry[(equals + 1)..];
            yield return environment;
        }
    }

    /// <summary>Processes whose command line or working folder lies under <paramref name="root"/>, except those listed.</summary>
    public static IReadOnlyList<string> ProcessesUnder(string root, IReadOnlySet<int> except)
    {
        var found = new List<string>();
        foreach (var (pid, arguments) in Processes())
        {
            if (except.Contains(pid) || pid == Environment.ProcessId)
                continue;
            string? cwd = null;
            try
            {
                cwd = new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }

            if (arguments.Any(a => a.Contains(root, StringComparison.Ordinal)) || cwd?.StartsWith(root, StringComparison.Ordinal) == true)
                found.Add($"{pid}: {string.Join(' ', arguments)}");
        }

        return found;
    }
}
