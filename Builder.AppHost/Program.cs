using System.Diagnostics;
using Builder.AppHost;
using Builder.AppHost.LocalServers;

var sinceStart = Stopwatch.StartNew();
// The servers topology is infrastructure for programs started beside it (the test suite): no dashboard to open.
var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = args, DisableDashboard = AppHostSettings.ServersOnly(args) });
var settings = AppHostSettings.From(builder.Configuration, Path.GetDirectoryName(builder.AppHostDirectory)!);
var distributed = settings.Topology == Topology.Distributed;
var data = settings.TopologyDirectory;

if (settings.Topology == Topology.Servers)
{
    BuilderServers.Add(builder, data, settings.RabbitMqVirtualHosts).AnnounceWhenReady(data, settings.RabbitMqVirtualHosts);
    builder.Build().Run();
    return;
}
var adminKey = AdminKey.Resolve(settings);
adminKey.PrintIfNew();

// The embedded Api is the whole platform, so it owns the topology's folder.
var apiData = distributed ? Path.Combine(data, "api") : data;
var apiReference = $"http://127.0.0.1:{settings.ApiPort}/scalar";
var api = builder.AddBuilderProject<Projects.Builder_Api>("api", settings.ApiPort, "/health", apiData)
    .WithEnvironment(AdminKey.Variable, adminKey.Value)
    .WithUrl(apiReference, "API reference (Scalar)")
    .WithBuilderCommands(adminKey)
    .AnnounceWhenReady(sinceStart, adminKey.Usage);

// The Web's /health includes the Api it calls; liveness is what says the Web itself is up.
var web = builder.AddBuilderProject<Projects.Builder_Web>("web", settings.WebPort, "/alive", Path.Combine(data, "web"))
    .WithReference(api)
    .WaitFor(api)
    .AnnounceWhenReady(sinceStart);

if (distributed)
{
    var ports = Ports.FreePorts(settings.Workers);
    var (postgres, redis, rabbitmq) = BuilderServers.Add(builder, data, settings.RabbitMqVirtualHosts);

    // The workers run the pipeline; the Api only accepts and reports.
    api.WithServers(postgres, rabbitmq, redis)
        .WithEnvironment("Builder__Api__HostWorker", "false");
    web.WithReference(redis, "cache").WaitFor(redis);
    for (var i = 1; i <= settings.Workers; i++)
    {
        // After the Api, which owns the database schema.
        builder.AddBuilderProject<Projects.Builder_Worker>($"worker-{i}", ports[i - 1], "/health", Path.Combine(data, $"worker-{i}"))
            .WithServers(postgres, rabbitmq, redis)
            .WaitFor(api)
            .AnnounceWhenReady(sinceStart);
    }
}

builder.Build().Run();
