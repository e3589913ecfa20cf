using System.Diagnostics;
using Builder.AppHost;
using Builder.AppHost.LocalServers;

var sinceStart = Stopwatch.StartNew();
var builder = DistributedApplication.CreateBuilder(args);
var settings = AppHostSettings.From(builder.Configuration, Path.GetDirectoryName(builder.AppHostDirectory)!);
var data = settings.TopologyDirectory;
var adminKey = AdminKey.Resolve(settings);
adminKey.PrintIfNew();

var api = builder.AddBuilderProject<Projects.Builder_Api>("api", settings.ApiPort, "/health", data)
    .WithEnvironment(AdminKey.Variable, adminKey.Value)
    .WithUrl(new Uri($"http://127.0.0.1:{settings.ApiPort}/scalar").ToString(), "API reference (Scalar)")
    .AnnounceWhenReady(sinceStart, adminKey.Usage);

// The Web's /health includes the Api it calls; liveness is what says the Web itself is up.
var web = builder.AddBuilderProject<Projects.Builder_Web>("web", settings.WebPort, "/alive", Path.Combine(data, "web"))
    .WithReference(api)
    .WaitFor(api)
    .AnnounceWhenReady(sinceStart);

if (settings.Topology == Topology.Distributed)
{
    var ports = Ports.FreePorts(5 + settings.Workers);
    var postgres = builder.AddLocalPostgres("postgres", Path.Combine(data, "postgres"), ports[0]);
    var redis = builder.AddLocalRedis("redis", Path.Combine(data, "redis"), ports[1]);
    var rabbitmq = builder.AddLocalRabbitMq("rabbitmq", Path.Combine(data, "rabbitmq"), ports[2], distributionPort: ports[3], epmdPort: ports[4]);

    api.WithServers(postgres, rabbitmq, redis)
        .WithEnvironment("Builder__Api__HostWorker", "false")
        .WithEnvironment("Builder__DataDirectory", Path.Combine(data, "api"));
    web.WithReference(redis, "cache").WaitFor(redis);
    for (var i = 1; i <= settings.Workers; i++)
    {
        // After the Api, which owns the database schema.
        builder.AddBuilderProject<Projects.Builder_Worker>($"worker-{i}", ports[4 + i], "/health", Path.Combine(data, $"worker-{i}"))
            .WithServers(postgres, rabbitmq, redis)
            .WaitFor(api)
            .AnnounceWhenReady(sinceStart);
    }
}

builder.Build().Run();
