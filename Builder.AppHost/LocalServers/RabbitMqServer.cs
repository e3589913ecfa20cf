using System.Net.Sockets;
using RabbitMQ.Client;

namespace Builder.AppHost.LocalServers;

public sealed class RabbitMqServerResource(string name, string command, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    : LocalServerResource(name, command, workingDirectory)
{
    /// <summary>Where the broker keeps everything and how its node is reached: the server and rabbitmqctl both need it.</summary>
    public IReadOnlyDictionary<string, string> ServerEnvironment { get; } = environment;

    // guest may connect from loopback only, which is all this broker listens on.
    public override ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"amqp://guest:guest@{Host}:{Port}/");
}

public static class RabbitMqServerExtensions
{
    /// <summary>
    /// RabbitMQ from the Debian package, every file under <paramref name="dataDirectory"/>. Its port mapper (epmd)
    /// is a resource of its own: left to the broker, it would be started as a daemon that outlives the AppHost.
    /// </summary>
    public static IResourceBuilder<RabbitMqServerResource> AddLocalRabbitMq(
        this IDistributedApplicationBuilder builder, string name, string dataDirectory, int port, int distributionPort, int epmdPort)
    {
        var server = LocalServerExtensions.RequireFile("/usr/lib/rabbitmq/bin/rabbitmq-server", "rabbitmq-server");
        var epmdProgram = LocalServerExtensions.RequireFile("/usr/bin/epmd", "erlang-base");
        var home = Directory.CreateDirectory(Path.Combine(dataDirectory, "home")).FullName;
        WriteIfMissing(Path.Combine(dataDirectory, "enabled_plugins"), "[].\n");
        WriteIfMissing(Path.Combine(dataDirectory, "advanced.config"), "[].\n");
        WriteIfMissing(Path.Combine(dataDirectory, "rabbitmq-env.conf"), "");
        WriteIfMissing(Path.Combine(dataDirectory, "rabbitmq.conf"), "disk_free_limit.absolute = 50MB\n");

        var epmd = builder.AddExecutable($"{name}-epmd", epmdProgram, dataDirectory, "-port", $"{epmdPort}", "-address", "127.0.0.1")
            .ListeningOn(epmdPort, async cancellationToken =>
            {
                // A NAMES request (length 1, code 110), read to the end: a bare connect would be logged as a broken packet.
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", epmdPort, cancellationToken);
                await using var stream = client.GetStream();
                await stream.WriteAsync(new byte[] { 0, 1, 110 }, cancellationToken);
                await stream.CopyToAsync(Stream.Null, cancellationToken);
            });

        // Every path points under the data folder, so nothing in /etc/rabbitmq or /var/lib/rabbitmq is read or written.
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["RABBITMQ_NODENAME"] = "rabbit@localhost",
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = $"{port}",
            ["RABBITMQ_DIST_PORT"] = $"{distributionPort}",
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["ERL_EPMD_PORT"] = $"{epmdPort}",
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(dataDirectory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(dataDirectory, "log"),
            ["RABBITMQ_LOGS"] = "-",
            ["RABBITMQ_PID_FILE"] = Path.Combine(dataDirectory, "rabbitmq.pid"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(dataDirectory, "enabled_plugins"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(dataDirectory, "rabbitmq.conf"),
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(dataDirectory, "advanced.config"),
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(dataDirectory, "rabbitmq-env.conf"),
            // -start_epmd false: should the epmd resource be gone, fail rather than daemonise a new one.
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1} -start_epmd false",
        };
        return builder.AddResource(new RabbitMqServerResource(name, server, dataDirectory, environment))
            .WithEnvironment(context =>
            {
                foreach (var (key, value) in environment)
                    context.EnvironmentVariables[key] = value;
            })
            .ListeningOn(port, async cancellationToken =>
            {
                var factory = new ConnectionFactory { Uri = new Uri($"amqp://guest:guest@127.0.0.1:{port}/"), RequestedConnectionTimeout = TimeSpan.FromSeconds(3) };
                await using var connection = await factory.CreateConnectionAsync(cancellationToken);
            })
            .WaitFor(epmd);
    }

    /// <summary>
    /// Virtual hosts created once the broker is up (guest may use them): several Builder installations, or
    /// the test suite's isolated clusters, share one broker without seeing each other's queues. One
    /// definitions import, since every rabbitmqctl call boots an Erlang VM.
    /// </summary>
    public static IResourceBuilder<RabbitMqServerResource> WithVirtualHosts(this IResourceBuilder<RabbitMqServerResource> rabbitmq, IReadOnlyList<string> vhosts)
    {
        if (vhosts.Count == 0)
            return rabbitmq;
        return rabbitmq.OnResourceReady(async (resource, _, cancellationToken) =>
        {
            var definitions = Path.Combine(resource.WorkingDirectory, "vhosts.json");
            await File.WriteAllTextAsync(definitions, System.Text.Json.JsonSerializer.Serialize(new
            {
                vhosts = vhosts.Select(v => new { name = v }),
                permissions = vhosts.Select(v => new { user = "guest", vhost = v, configure = ".*", write = ".*", read = ".*" }),
            }), cancellationToken);
            var control = new System.Diagnostics.ProcessStartInfo("/usr/lib/rabbitmq/bin/rabbitmqctl", ["-q", "import_definitions", definitions])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var (key, value) in resource.ServerEnvironment)
                control.Environment[key] = value;
            // The CLI's own distribution port: any free one, not the broker's range.
            control.Environment["RABBITMQ_CTL_DIST_PORT_MIN"] = "0";
            control.Environment["RABBITMQ_CTL_DIST_PORT_MAX"] = "0";
            using var process = System.Diagnostics.Process.Start(control)!;
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"rabbitmqctl import_definitions failed ({process.ExitCode}): {await errors}{await output}");
        });
    }

    static void WriteIfMissing(string path, string content)
    {
        if (!File.Exists(path))
            File.WriteAllText(path, content);
    }
}
