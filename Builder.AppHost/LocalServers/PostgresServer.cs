using Npgsql;

namespace Builder.AppHost.LocalServers;

public sealed class PostgresServerResource(string name, string command, string workingDirectory)
    : LocalServerResource(name, command, workingDirectory)
{
    public const string Database = "builder";

    // Loopback with trust authentication: nothing outside this machine can connect, and no secret has to
    // be resolved before start-up.
    public override ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Host={Host};Port={Port};Username=postgres;Database={Database}");
}

public static class PostgresServerExtensions
{
    /// <summary>
    /// PostgreSQL from the Debian package, its cluster under <paramref name="dataDirectory"/>. The server refuses
    /// to run as root, so a one-shot resource creates the cluster as the postgres user first.
    /// </summary>
    public static IResourceBuilder<PostgresServerResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, string name, string dataDirectory, int port)
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).Order().LastOrDefault()
            : null;
        var postgres = LocalServerExtensions.RequireFile(Path.Combine(bin ?? "/usr/lib/postgresql/15/bin", "postgres"), "postgresql");
        var initdb = Path.Combine(Path.GetDirectoryName(postgres)!, "initdb");
        var cluster = Path.Combine(dataDirectory, "cluster");
        Directory.CreateDirectory(dataDirectory);

        var (initCommand, initPrefix) = LocalServerExtensions.AsUser("postgres", initdb);
        // Once: a cluster that exists is kept. sh -c's $0 is the data folder, $1 the cluster, the rest the initdb command.
        var owner = Environment.UserName == "root" ? "chown postgres:postgres \"$0\" && " : "";
        var init = builder.AddExecutable($"{name}-init", "/bin/sh", dataDirectory,
            ["-c", owner + "cluster=$1 && shift && { test -f \"$cluster/PG_VERSION\" || exec \"$@\" -D \"$cluster\" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync; }",
             dataDirectory, cluster, initCommand, .. initPrefix]);

        var (command, prefix) = LocalServerExtensions.AsUser("postgres", postgres);
        return builder.AddResource(new PostgresServerResource(name, command, dataDirectory))
            .WithArgs([.. prefix, "-D", cluster, "-p", $"{port}", "-k", dataDirectory,
                "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                // The Api, each worker and their Npgsql pools (and a test suite's many databases) need more than the default 100.
                "-c", "max_connections=300"])
            .ListeningOn(port, async cancellationToken =>
            {
                await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=3");
                await connection.OpenAsync(cancellationToken);
                await using var select = new NpgsqlCommand("select 1", connection);
                await select.ExecuteScalarAsync(cancellationToken);
            })
            .WaitForCompletion(init)
            // Projects that wait for the server start after this, so they find the database there.
            .OnResourceReady(async (_, _, cancellationToken) =>
            {
                await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres");
                await connection.OpenAsync(cancellationToken);
                await using var exists = new NpgsqlCommand($"select 1 from pg_database where datname = '{PostgresServerResource.Database}'", connection);
                if (await exists.ExecuteScalarAsync(cancellationToken) is null)
                {
                    await using var create = new NpgsqlCommand($"create database {PostgresServerResource.Database}", connection);
                    await create.ExecuteNonQueryAsync(cancellationToken);
                }
            });
    }
}
