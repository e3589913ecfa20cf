namespace Builder.AppHost.Servers;

/// <summary>Chooses, for each server, the local binaries, else a Docker engine that answers, else tells what to install.</summary>
static class Provisioner
{
    public static async Task<Server[]> CreateAsync(Options options)
    {
        var free = Ports.FreePorts(3);
        bool? engine = null;

        async Task<Server> Choose(string name, string? local, Func<string, string, int, Server> fromBinaries,
            ContainerSpec spec, int? fixedPort, int freePort, string install)
        {
            var directory = Path.Combine(options.TopologyDirectory, name);
            var port = fixedPort ?? freePort;
            if (local is not null)
                return fromBinaries(local, directory, port);
            engine ??= await Container.EngineAnswersAsync();
            return engine.Value
                ? new Container(name, directory, port, spec)
                : throw new AppHostException($"{install} (or start a Docker engine)");
        }

        return
        [
            await Choose("postgres", Postgres.Locate(), (bin, dir, port) => new Postgres(bin, dir, port), ContainerSpec.Postgres,
                options.PostgresPort, free[0], "PostgreSQL server not found: apt-get install postgresql"),
            await Choose("redis", Redis.Locate(), (exe, dir, port) => new Redis(exe, dir, port), ContainerSpec.Redis,
                options.RedisPort, free[1], "Redis server not found: apt-get install redis-server"),
            await Choose("rabbitmq", RabbitMq.Locate(), (bin, dir, port) => new RabbitMq(bin, dir, port), ContainerSpec.RabbitMq,
                options.RabbitMqPort, free[2], "RabbitMQ server not found: apt-get install rabbitmq-server"),
        ];
    }
}
