using System.Text.Json;

namespace Builder.AppHost.LocalServers;

/// <summary>The database, cache and broker of the distributed topology, each on a loopback port of its own.</summary>
public sealed record BuilderServers(
    IResourceBuilder<PostgresServerResource> Postgres, IResourceBuilder<RedisServerResource> Redis, IResourceBuilder<RabbitMqServerResource> RabbitMq)
{
    public const string FileName = "servers.json";

    public static BuilderServers Add(IDistributedApplicationBuilder builder, string dataDirectory, IReadOnlyList<string> rabbitMqVirtualHosts)
    {
        var ports = Ports.FreePorts(5);
        return new BuilderServers(
            builder.AddLocalPostgres("postgres", Path.Combine(dataDirectory, "postgres"), ports[0]),
            builder.AddLocalRedis("redis", Path.Combine(dataDirectory, "redis"), ports[1]),
            builder.AddLocalRabbitMq("rabbitmq", Path.Combine(dataDirectory, "rabbitmq"), ports[2], distributionPort: ports[3], epmdPort: ports[4])
                .WithVirtualHosts(rabbitMqVirtualHosts));
    }

    /// <summary>
    /// Once all three answer (and the vhosts exist), their connection strings are written to
    /// <paramref name="dataDirectory"/>/servers.json and printed: what a program started beside the
    /// AppHost (the test suite, a project run from an IDE) reads to find them.
    /// </summary>
    public BuilderServers AnnounceWhenReady(string dataDirectory, IReadOnlyList<string> rabbitMqVirtualHosts)
    {
        var ready = new Dictionary<string, string>();
        var path = Path.Combine(dataDirectory, FileName);
        File.Delete(path);
        Task OnReady(IResourceWithConnectionString resource, CancellationToken cancellationToken) => Task.Run(async () =>
        {
            var connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken) ?? "";
            lock (ready)
            {
                ready[resource.Name] = connectionString;
                Console.WriteLine($"{resource.Name} is healthy: {connectionString}");
                if (ready.Count < 3)
                    return;
                var written = path + ".new";
                File.WriteAllText(written, JsonSerializer.Serialize(new
                {
                    postgres = ready["postgres"], redis = ready["redis"], rabbitmq = ready["rabbitmq"], rabbitmqVirtualHosts = rabbitMqVirtualHosts,
                }));
                File.Move(written, path, overwrite: true);
                Console.WriteLine($"servers ready: connection strings in {path}");
            }
        }, cancellationToken);
        Postgres.OnResourceReady((resource, _, cancellationToken) => OnReady(resource, cancellationToken));
        Redis.OnResourceReady((resource, _, cancellationToken) => OnReady(resource, cancellationToken));
        RabbitMq.OnResourceReady((resource, _, cancellationToken) => OnReady(resource, cancellationToken));
        return this;
    }
}
