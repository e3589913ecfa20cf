using System.Text;
using Npgsql;

namespace Builder.Tests.Infrastructure;

/// <summary>
/// The real servers that <c>./test.sh</c> starts for one test run (PostgreSQL, Redis, RabbitMQ) and
/// the Chromium it installs. Tests that need a server fail with a clear message when run without
/// the script: a silent skip would let CI pass while testing nothing.
/// </summary>
public static class TestServers
{
    public const string PostgresVariable = "BUILDER_TEST_POSTGRES";
    public const string RedisVariable = "BUILDER_TEST_REDIS";
    public const string RabbitMqVariable = "BUILDER_TEST_RABBITMQ";
    public const string RabbitMqVhostsVariable = "BUILDER_TEST_RABBITMQ_VHOSTS";
    public const string ChromiumVariable = "BUILDER_TEST_CHROMIUM";

    public const string RunTestScriptHint = "Run ./test.sh: it starts PostgreSQL, Redis and RabbitMQ for the tests";

    // Lazy so that a missing variable fails the test that needs the server, not the type initializer
    // (which would surface as an opaque TypeInitializationException in every later test).
    private static readonly Lazy<RabbitVhostPool> VhostPool = new(
        () => RabbitVhostPool.Parse(Required(RabbitMqVariable), Required(RabbitMqVhostsVariable)),
        LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<string> RepositoryRootPath = new(
        () => FindRepositoryRoot(AppContext.BaseDirectory),
        LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Npgsql connection string to the server, user postgres, without a database.</summary>
    public static string PostgresConnectionString => Required(PostgresVariable);

    /// <summary>StackExchange.Redis configuration string (host:port).</summary>
    public static string RedisConnectionString => Required(RedisVariable);

    /// <summary>amqp://guest:guest@127.0.0.1:port, without a vhost: use <see cref="LeaseRabbitVhost"/>.</summary>
    public static string RabbitMqUri => Required(RabbitMqVariable);

    /// <summary>The Chromium executable for browser tests.</summary>
    public static string ChromiumPath => Required(ChromiumVariable);

    /// <summary>The folder holding Builder.sln.</summary>
    public static string RepositoryRoot => RepositoryRootPath.Value;

    /// <summary>
    /// Creates an empty database whose name starts with <paramref name="prefix"/> and returns a
    /// connection string to it. Every call gets a new database, so tests never share state.
    /// </summary>
    public static async Task<string> CreatePostgresDatabaseAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var name = DatabaseName(prefix);
        var server = new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Database = "postgres" };

        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            // The name is built from [a-z0-9_] only, so quoting it is enough; identifiers cannot be parameters.
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// Hands out a vhost of its own (for one message-bus cluster): each vhost test.sh created is
    /// given at most once per test process. Throws when all are taken.
    /// </summary>
    public static RabbitVhostLease LeaseRabbitVhost() => VhostPool.Value.Lease();

    internal static string Required(string variable) => Required(variable, Environment.GetEnvironmentVariable);

    internal static string Required(string variable, Func<string, string?> lookup)
    {
        var value = lookup(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException($"{variable} is not set. {RunTestScriptHint}.");
        }

        return value;
    }

    internal static string DatabaseName(string prefix)
    {
        var clean = new StringBuilder();
        foreach (var c in prefix.ToLowerInvariant())
        {
            clean.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '_');
        }

        // PostgreSQL truncates identifiers at 63 bytes; the 32-character suffix must survive.
        var head = clean.Length == 0 ? "test" : clean.ToString(0, Math.Min(clean.Length, 30));
        return $"{head}_{Guid.NewGuid():N}";
    }

    internal static string FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Builder.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Builder.sln in {start} or any folder above it.");
    }
}
