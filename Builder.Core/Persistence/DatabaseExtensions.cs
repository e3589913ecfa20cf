using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Builder.Core.Persistence;

public static class DatabaseExtensions
{
    public const string ConnectionName = "builderdb";

    /// <summary>
    /// Postgres when <c>ConnectionStrings:builderdb</c> is set (distributed), otherwise a SQLite file
    /// in the data directory (embedded). The schema is migrated before anything else starts.
    /// </summary>
    public static IHostApplicationBuilder AddBuilderDatabase(this IHostApplicationBuilder builder)
    {
        var postgres = builder.Configuration.GetConnectionString(ConnectionName);
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            builder.Services.AddDbContextFactory<PostgresBuilderDbContext>(o => o.UseNpgsql(postgres));
            builder.Services.AddSingleton<IDbContextFactory<BuilderDbContext>, ProviderFactory<PostgresBuilderDbContext>>();
        }
        else
        {
            var path = Path.Combine(DataDirectory(builder), "builder.db");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var sqlite = new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 30, Pooling = true }.ToString();
            builder.Services.AddDbContextFactory<SqliteBuilderDbContext>(o => o.UseSqlite(sqlite));
            builder.Services.AddSingleton<IDbContextFactory<BuilderDbContext>, ProviderFactory<SqliteBuilderDbContext>>();
        }

        builder.Services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<BuilderDbContext>>().CreateDbContext());
        builder.Services.AddHostedService<DatabaseMigrator>();
        return builder;
    }

    public static bool IsDistributed(this IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration.GetConnectionString(ConnectionName));

    public static string DataDirectory(IHostApplicationBuilder builder) =>
        Path.GetFullPath(builder.Configuration[$"{BuilderOptions.Section}:DataDirectory"] ?? ".builder", builder.Environment.ContentRootPath);

    sealed class ProviderFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<BuilderDbContext>
        where TContext : BuilderDbContext
    {
        public BuilderDbContext CreateDbContext() => inner.CreateDbContext();
    }
}
