using Microsoft.Extensions.Configuration;

namespace Builder.AppHost;

enum Topology { Embedded, Distributed }

/// <summary>
/// What to run and where, from the command line (<c>--topology distributed --api-port 5080</c>) or any
/// other configuration source under the same keys.
/// </summary>
sealed record AppHostSettings(Topology Topology, int ApiPort, int WebPort, int Workers, string DataDirectory, string? AdminKey)
{
    public string TopologyDirectory => Path.Combine(DataDirectory, Topology.ToString().ToLowerInvariant());

    public static AppHostSettings From(IConfiguration configuration, string repositoryRoot)
    {
        var topology = configuration["topology"] switch
        {
            null or "" or "embedded" => Topology.Embedded,
            "distributed" => Topology.Distributed,
            var other => throw new ArgumentException($"--topology: '{other}' is neither embedded nor distributed"),
        };
        var dataDirectory = configuration["data-dir"] is { Length: > 0 } dir ? Path.GetFullPath(dir) : Path.Combine(repositoryRoot, ".builder");
        var settings = new AppHostSettings(
            topology,
            Port(configuration, "api-port", 5080),
            Port(configuration, "web-port", 5090),
            configuration.GetValue("workers", 2),
            dataDirectory,
            configuration["admin-key"]);
        if (settings.Workers is < 1 or > 32)
            throw new ArgumentException("--workers: a number from 1 to 32");
        if (settings.ApiPort == settings.WebPort)
            throw new ArgumentException($"--api-port and --web-port must differ ({settings.ApiPort})");
        return settings;
    }

    static int Port(IConfiguration configuration, string key, int fallback) =>
        configuration.GetValue(key, fallback) is var port and > 0 and < 65536 ? port : throw new ArgumentException($"--{key}: not a port number");
}
