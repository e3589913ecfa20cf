using Builder.Core;
using Builder.Worker.Execution;
using Builder.Worker.Sandbox.Bubblewrap;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Builder.Worker.Sandbox;

public static class SandboxExtensions
{
    /// <summary>
    /// <see cref="ISandbox"/> chosen at start from <c>Builder:Sandbox</c> and the host. The
    /// worker's own folders (data, content root, binaries) are hidden from every command.
    /// </summary>
    public static IHostApplicationBuilder AddSandbox(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(s => s.ServiceType == typeof(SandboxSelector)))
            return builder;

        builder.Services.AddOptions<SandboxOptions>()
            .Bind(builder.Configuration.GetSection(SandboxOptions.Section))
            .PostConfigure<IConfiguration, IHostEnvironment>((sandbox, configuration, environment) =>
                sandbox.HiddenPaths.AddRange(WorkerFolders(configuration, environment)))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.TryAddSingleton<CommandRunner>();
        builder.Services.AddSingleton<SandboxSelector>();
        builder.Services.AddSingleton<ISandbox>(services => new TracedSandbox(services.GetRequiredService<SandboxSelector>().Selected));
        builder.Services.AddHostedService<SandboxStartup>();
        // Commands of a repository with an environment image run in it, whichever sandbox is the default.
        builder.Services.AddSingleton<Docker.DockerSandbox>();
        return builder;
    }

    /// <summary>The database, mirrors, settings and binaries of the worker: nothing a build needs, much it could leak.</summary>
    static List<string> WorkerFolders(IConfiguration configuration, IHostEnvironment environment) =>
        new[]
            {
                // Resolved as the database's folder is (DatabaseExtensions.DataDirectory).
                Path.GetFullPath(configuration[$"{BuilderOptions.Section}:DataDirectory"] ?? ".builder", environment.ContentRootPath),
                environment.ContentRootPath,
                AppContext.BaseDirectory,
            }
            .Select(HostPaths.Normalize)
            .Where(path => !BubblewrapPlan.IsSystemFolder(path))
            .Distinct()
            .ToList();
}
