using Builder.Core.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Builder.Tests.Support;

/// <summary>
/// The Api in embedded topology, hosted in the test process: SQLite file, in-memory transport, the
/// worker in the same process — exactly what <c>dotnet run --project Builder.AppHost</c> runs.
/// </summary>
public class EmbeddedBuilder : WebApplicationFactory<Builder.Api.ApiEntryPoint>
{
    public const string AdminKey = "bld-test-admin-key-0123456789";

    readonly IReadOnlyDictionary<string, string?> _settings;

    public EmbeddedBuilder()
        : this(new Dictionary<string, string?>())
    {
    }

    /// <summary>For fixtures that need other settings (a low rate limit, say); they win over the defaults below.</summary>
    protected EmbeddedBuilder(IReadOnlyDictionary<string, string?> settings) => _settings = settings;

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("builder-embedded-").FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Builder:DataDirectory", DataDirectory);
        builder.UseSetting("Builder:Bootstrap:AdminKey", AdminKey);
        builder.UseSetting("Builder:Worker:MaxConcurrentRuns", "4");
        builder.UseSetting("Builder:Worker:CommandTimeout", "00:02:00");
        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Warning");
        builder.UseSetting("Logging:LogLevel:MassTransit", "Warning");
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
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
