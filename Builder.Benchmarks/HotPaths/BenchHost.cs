using Builder.Core;
using Microsoft.Extensions.Hosting;

namespace Builder.Benchmarks.HotPaths;

/// <summary>
/// Builder's core services (options, database, event log) as the Api and the workers have them: on
/// SQLite in a temporary data folder (the embedded topology) or on the PostgreSQL given. Started, so
/// the migrations have run.
/// </summary>
public sealed class BenchHost : IAsyncDisposable
{
    public IHost Host { get; }
    public string Folder { get; }

    BenchHost(IHost host, string folder)
    {
        Host = host;
        Folder = folder;
    }

    public IServiceProvider Services => Host.Services;

    public static async Task<BenchHost> StartAsync(string? postgres, Action<HostApplicationBuilder>? configure = null)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"builder-bench-{Guid.NewGuid():N}"[..23])).FullName;
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration["Builder:DataDirectory"] = folder;
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        if (postgres is not null)
            builder.Configuration["ConnectionStrings:builderdb"] = postgres;
        builder.AddBuilderCore();
        configure?.Invoke(builder);
        var host = builder.Build();
        await host.StartAsync();
        return new BenchHost(host, folder);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }
}
