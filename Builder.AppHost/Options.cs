using System.Reflection;

namespace Builder.AppHost;

enum Topology { Embedded, Distributed }

sealed record Options
{
    public const string Usage = """
        Usage: dotnet run --project Builder.AppHost -- [options]

          --topology embedded|distributed  embedded (default): the API hosts the worker, SQLite, in-memory transport;
                                           distributed: PostgreSQL, Redis, RabbitMQ, the API, workers and the Web
          --api-port N                     API port (default 5080); workers use the ports after it
          --web-port N                     Web port (default 5090)
          --workers N                      worker processes in the distributed topology (default 2)
          --data-dir PATH                  where databases, logs and the admin key live (default <repository>/.builder)
          --admin-key KEY                  API key of the first tenant (default: Builder__Bootstrap__AdminKey,
                                           then <data-dir>/admin-key, else a new one is generated)
          --postgres-port N, --redis-port N, --rabbitmq-port N
                                           fixed server ports (default: free ports picked at each start)
        """;

    public Topology Topology { get; init; } = Topology.Embedded;
    public int ApiPort { get; init; } = 5080;
    public int WebPort { get; init; } = 5090;
    public int Workers { get; init; } = 2;
    public required string DataDirectory { get; init; }
    public string? AdminKey { get; init; }
    public int? PostgresPort { get; init; }
    public int? RedisPort { get; init; }
    public int? RabbitMqPort { get; init; }
    public bool Help { get; init; }

    public string TopologyName => Topology == Topology.Distributed ? "distributed" : "embedded";
    public string TopologyDirectory => Path.Combine(DataDirectory, TopologyName);
    public IEnumerable<int> WorkerPorts => Enumerable.Range(ApiPort + 1, Topology == Topology.Distributed ? Workers : 0);

    /// <summary>Accepts <c>--name value</c> and <c>--name=value</c>; throws <see cref="AppHostException"/> on anything else.</summary>
    public static Options Parse(IReadOnlyList<string> args, string repositoryRoot)
    {
        var options = new Options { DataDirectory = Path.Combine(repositoryRoot, ".builder") };
        for (var i = 0; i < args.Count; i++)
        {
            var (name, value) = args[i].Split('=', 2) is [var n, var v] ? (n, (string?)v) : (args[i], null);
            string Value() => value ?? (i + 1 < args.Count ? args[++i] : throw new AppHostException($"{name} needs a value"));
            int Port() => int.TryParse(Value(), out var p) && p is > 0 and < 65536 ? p : throw new AppHostException($"{name}: not a port number");
            options = name switch
            {
                "--topology" => options with
                {
                    Topology = Value() switch
                    {
                        "embedded" => Topology.Embedded,
                        "distributed" => Topology.Distributed,
                        var t => throw new AppHostException($"--topology: '{t}' is neither embedded nor distributed"),
                    },
                },
                "--api-port" => options with { ApiPort = Port() },
                "--web-port" => options with { WebPort = Port() },
                "--workers" => options with
                {
                    Workers = int.TryParse(Value(), out var w) && w is >= 1 and <= 32 ? w : throw new AppHostException("--workers: a number from 1 to 32"),
                },
                "--data-dir" => options with { DataDirectory = Path.GetFullPath(Value()) },
                "--admin-key" => options with { AdminKey = Value() },
                "--postgres-port" => options with { PostgresPort = Port() },
                "--redis-port" => options with { RedisPort = Port() },
                "--rabbitmq-port" => options with { RabbitMqPort = Port() },
                "-h" or "--help" => options with { Help = true },
                _ => throw new AppHostException($"Unknown option {name} (see --help)"),
            };
        }

        int[] ports = [options.ApiPort, options.WebPort, .. options.WorkerPorts];
        if (ports.Distinct().Count() != ports.Length)
            throw new AppHostException($"The API, worker and Web ports must differ: {string.Join(", ", ports)} (workers use the ports after the API's)");
        return options;
    }
}

static class Repository
{
    /// <summary>The folder holding Builder.sln, looked for upwards from the current directory, then from the AppHost's binaries.</summary>
    public static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Builder.sln")))
                    return dir.FullName;
            }
        }
        throw new AppHostException("Builder.sln not found above the current directory: run the AppHost from inside the repository");
    }

    public static string BuildConfiguration { get; } =
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BuildConfiguration")?.Value ?? "Debug";

    /// <summary>The project's build output (built before the AppHost through its project references).</summary>
    public static string ProjectAssembly(string root, string project)
    {
        var dll = Path.Combine(root, project, "bin", BuildConfiguration, "net10.0", project + ".dll");
        return File.Exists(dll) ? dll : throw new AppHostException($"{dll} not found: run dotnet build -c {BuildConfiguration}");
    }
}
