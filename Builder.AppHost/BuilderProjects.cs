using System.Diagnostics;
using Builder.AppHost.LocalServers;

namespace Builder.AppHost;

static class BuilderProjects
{
    /// <summary>
    /// A Builder project on a fixed port of its own (no proxy, so the URL users are told is the process's own),
    /// healthy when <paramref name="healthPath"/> answers 200, its files under <paramref name="dataDirectory"/>.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddBuilderProject<TProject>(
        this IDistributedApplicationBuilder builder, string name, int port, string healthPath, string dataDirectory)
        where TProject : IProjectMetadata, new()
    {
        var project = builder.AddProject<TProject>(name, launchProfileName: null)
            .WithHttpEndpoint(port: port, isProxied: false)
            .WithHttpHealthCheck(healthPath)
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName);
        foreach (var (variable, value) in ForwardedSettings.From(builder.Configuration))
            project.WithEnvironment(variable, value);
        return project
            .WithEnvironment("Builder__DataDirectory", dataDirectory)
            .WithEnvironment("OTEL_SERVICE_NAME", name);
    }


    /// <summary>The database, broker and cache under the connection-string names the projects read.</summary>
    public static IResourceBuilder<ProjectResource> WithServers(this IResourceBuilder<ProjectResource> project,
        IResourceBuilder<PostgresServerResource> postgres, IResourceBuilder<RabbitMqServerResource> rabbitmq, IResourceBuilder<RedisServerResource> redis) =>
        project
            .WithReference(postgres, "builderdb").WaitFor(postgres)
            .WithReference(rabbitmq, "messaging").WaitFor(rabbitmq)
            .WithReference(redis, "cache").WaitFor(redis);

    /// <summary>Says in the console where a project answers, and how long it took from the AppHost's start.</summary>
    public static IResourceBuilder<ProjectResource> AnnounceWhenReady(this IResourceBuilder<ProjectResource> project,
        Stopwatch sinceStart, Func<string, string?>? more = null) =>
        project.OnResourceReady((resource, _, _) =>
        {
            var url = $"http://127.0.0.1:{resource.GetEndpoint("http").Port}";
            Console.WriteLine($"{resource.Name} is healthy at {url} ({sinceStart.Elapsed.TotalSeconds:0.0} s after start)");
            if (more?.Invoke(url) is { } line)
                Console.WriteLine(line);
            return Task.CompletedTask;
        });
}
