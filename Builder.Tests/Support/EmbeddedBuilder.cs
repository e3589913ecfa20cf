using Builder.Core.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Builder.Tests.Support;

/// <summary>
/// The Api in embedded topology, hosted in the test process: SQLite file, in-memory transport, the
/// worker in the same process — exactly what <c>dotnet run --project Builder.AppHost</c> runs.
/// </summary>
public sealed class EmbeddedBuilder : WebApplicationFactory<Builder.Api.ApiEntryPoint>
{
    public const string AdminKey = "bld-test-admin-key-0123456789";

    readonly IReadOnlyDictionary<string, string?>? _settings;

    // xunit class fixtures need exactly one public constructor; tests with settings use With().
    public EmbeddedBuilder()
    {
    }

    EmbeddedBuilder(IReadOnlyDictionary<string, string?> settings) => _settings = settings;

    /// <summary>An embedded Builder with extra configuration (keys like "Builder:Worker:MaxConcurrentRuns").</summary>
    public static EmbeddedBuilder With(IReadOnlyDictionary<string, string?> settings) => new(settings);

    /// <summary>Every log line the app wrote, to prove what never appears in logs.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>
    /// Open to other users as a data folder made with the usual umask is: the sandbox user must reach
    /// the workspaces in it (a private temporary folder would make commands run as the worker's user).
    /// </summary>
    public string DataDirectory { get; } = SharedTemporaryFolder.Create("builder-embedded-");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Builder:DataDirectory", DataDirectory);
        builder.UseSetting("Builder:Bootstrap:AdminKey", AdminKey);
        builder.UseSetting("Builder:Worker:MaxConcurrentRuns", "4");
        builder.UseSetting("Builder:Worker:CommandTimeout", "00:02:00");
        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Warning");
        builder.UseSetting("Logging:LogLevel:MassTransit", "Warning");
        foreach (var (key, value) in _settings ?? new Dictionary<string, string?>())
            builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }

    public BuilderApi Admin() => BuilderApi.WithKey(CreateClient(), AdminKey);

    public async Task<T> WithDbAsync<T>(Func<BuilderDbContext, Task<T>> query)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<BuilderDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
