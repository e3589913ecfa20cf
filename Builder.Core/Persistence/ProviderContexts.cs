using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Builder.Core.Persistence;

// One model, two providers: each provider has its own context type so that its migrations are
// generated and applied separately (docs/decisions/0003-embedded-and-distributed.md).

public sealed class PostgresBuilderDbContext(DbContextOptions<PostgresBuilderDbContext> options) : BuilderDbContext(options);

public sealed class SqliteBuilderDbContext(DbContextOptions<SqliteBuilderDbContext> options) : BuilderDbContext(options);

/// <summary>Used only by <c>dotnet ef migrations add</c>.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresBuilderDbContext>
{
    public PostgresBuilderDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresBuilderDbContext>().UseNpgsql("Host=localhost;Database=builder").Options);
}

/// <summary>Used only by <c>dotnet ef migrations add</c>.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteBuilderDbContext>
{
    public SqliteBuilderDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteBuilderDbContext>().UseSqlite("Data Source=design.db").Options);
}
