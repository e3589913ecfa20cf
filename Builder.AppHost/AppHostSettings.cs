using Microsoft.Extensions.Configuration;

namespace Builder.AppHost;

/// <summary>Embedded: Api (with its worker) and Web on SQLite. Distributed: the servers, Api, Web and workers. Servers: PostgreSQL, Redis and RabbitMQ alone.</summary>
enum Topology { Embedded, Distributed, Servers }

/// <summary>
/// What to run and where, from the command line (<c>--topology distributed --api-port 5080</c>) or any
/// other configuration source under the same keys.
/// </summary>
sealed record AppHostSettings(Topology Topology, int ApiPort, int WebPort, int Workers, string DataDirectory, string? AdminKey, IReadOnlyList<string> RabbitMqVirtualHosts)
{
    public string TopologyDirectory => Path.Combine(DataDirectory, Topology.ToString().ToLowerInvariant());

    public static AppHostSettings From(IConfiguration configuration, string repositoryRoot)
    {
        var topology = configuration["topology"] switch
        {
            null or "" or "embedded" => Topology.Embedded,
            "distributed" => Topology.Distributed,
            "servers" => Topology.Servers,
            var other => throw new ArgumentException($"--topology: '{other}' is not one of embedded, distributed, servers"),
        };
        var dataDirectory = configuration["data-dir"] is { Length: > 0 } dir ? Path.GetFullPath(dir) : Path.Combine(repositoryRoot, ".builder");
        var settings = new AppHostSettings(
            topology,
            Port(configuration, "api-port", 5080),
            Port(configuration, "web-port", 5090),
            configuration.GetValue("workers", 2),
            dataDirectory,
            configuration["admin-key"],
            (configuration["rabbitmq-vhosts"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (settings.Workers is < 1 or > 32)
            throw new ArgumentException("--workers: a number from 1 to 32");
        if (settings.RabbitMqVirtualHosts.FirstOrDefault(v => !v.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) is { } badHost)
            throw new ArgumentException($"--rabbitmq-vhosts: '{badHost}' may hold letters, digits, '-', '_' and '.' only");
        if (settings.ApiPort == settings.WebPort)
            throw new ArgumentException($"--api-port and --web-port must differ ({settings.ApiPort})");
        return settings;
    }

    /// <summary>Whether the command line asks for the servers topology; read before the builder (and its configuration) exists.</summary>
    public static bool ServersOnly(string[] args) =>
        args.Select((arg, i) => arg == "--topology" && i + 1 < args.Length ? args[i + 1] : arg.StartsWith("--topology=", StringComparison.Ordinal) ? arg[11..] : null)
            .Any(value => value == "servers");

    static int Port(IConfiguration configuration, string key, int fallback) =>
        configuration.GetValue(key, fallback) is var port and > 0 and < 65536 ? port : throw new ArgumentException($"--{key}: not a port number");
}
