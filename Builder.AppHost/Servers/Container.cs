using System.Security.Cryptography;
using System.Text;

namespace Builder.AppHost.Servers;

/// <summary>
/// A server in a Docker container, used only where the local binaries are missing and an engine
/// answers. Named after the data folder so a later start replaces a leftover container.
/// </summary>
sealed class Container(string name, string directory, int port, ContainerSpec spec) : Server(name, directory, port)
{
    string ContainerName => $"builder-{Name}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Directory)))[..8]}";

    public override string ConnectionString => spec.ConnectionString(Port);

    public static async Task<bool> EngineAnswersAsync()
    {
        if (Shell.Which("docker") is null)
            return false;
        var info = await Shell.RunAsync("docker", ["info", "--format", "{{.ServerVersion}}"], timeout: TimeSpan.FromSeconds(10));
        return info.Succeeded;
    }

    public override async Task StartAsync(CancellationToken ct)
    {
        State = "starting";
        System.IO.Directory.CreateDirectory(Directory);
        await Shell.RunAsync("docker", ["rm", "-f", ContainerName]);
        List<string> args = ["run", "-d", "--name", ContainerName, "--hostname", ContainerName, "-p", $"127.0.0.1:{Port}:{spec.ContainerPort}"];
        foreach (var (key, value) in spec.Environment)
            args.AddRange(["-e", $"{key}={value}"]);
        if (spec.Volume is { } volume)
            args.AddRange(["-v", $"{Path.Combine(Directory, "container-data")}:{volume}"]);
        args.Add(spec.Image);
        var run = await Shell.RunAsync("docker", args, timeout: TimeSpan.FromMinutes(10));
        if (!run.Succeeded)
            throw Failure($"docker run {spec.Image} failed", Shell.Tail(run.Output));

        // Docker's port proxy accepts connections before the server does: ask the server itself.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (!(await Shell.RunAsync("docker", ["exec", ContainerName, .. spec.ReadinessCommand], timeout: TimeSpan.FromSeconds(20))).Succeeded)
        {
            if (DateTime.UtcNow > deadline)
                throw Failure("container did not become ready", Shell.Tail((await Shell.RunAsync("docker", ["logs", "--tail", "20", ContainerName])).Output));
            await Task.Delay(1000, ct);
        }
        Ready();
    }

    public override async Task StopAsync()
    {
        if (State is "starting" or "running")
        {
            State = "stopping";
            await Shell.RunAsync("docker", ["stop", "-t", "10", ContainerName], timeout: TimeSpan.FromSeconds(30));
            await Shell.RunAsync("docker", ["rm", "-f", ContainerName]);
        }
        Stopped();
    }
}

sealed record ContainerSpec(string Image, int ContainerPort, IReadOnlyDictionary<string, string> Environment,
    string? Volume, string[] ReadinessCommand, Func<int, string> ConnectionString)
{
    public static readonly ContainerSpec Postgres = new("postgres:15", 5432,
        new Dictionary<string, string> { ["POSTGRES_HOST_AUTH_METHOD"] = "trust", ["POSTGRES_DB"] = "builder" },
        "/var/lib/postgresql/data", ["pg_isready", "-U", "postgres", "-d", "builder"],
        port => $"Host=127.0.0.1;Port={port};Username=postgres;Database=builder");

    public static readonly ContainerSpec Redis = new("redis:7", 6379, new Dictionary<string, string>(),
        null, ["redis-cli", "ping"], port => $"127.0.0.1:{port}");

    // The official image lets guest connect from outside the container.
    public static readonly ContainerSpec RabbitMq = new("rabbitmq:3", 5672, new Dictionary<string, string>(),
        "/var/lib/rabbitmq", ["rabbitmq-diagnostics", "-q", "check_running"], port => $"amqp://guest:guest@127.0.0.1:{port}/");
}
