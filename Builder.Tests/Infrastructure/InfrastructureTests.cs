using System.Text;
using Npgsql;
using RabbitMQ.Client;
using StackExchange.Redis;

namespace Builder.Tests.Infrastructure;

/// <summary>
/// Proves that the servers test.sh starts answer real clients, so a broken environment shows up here
/// with a plain message instead of as odd failures in feature tests.
/// </summary>
public class InfrastructureTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Postgres_creates_a_database_that_stores_and_returns_rows()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var connectionString = await TestServers.CreatePostgresDatabaseAsync("infra-check", cts.Token);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cts.Token);
        connection.Database.ShouldStartWith("infra_check_");

        await using (var create = new NpgsqlCommand("CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)", connection))
        {
            await create.ExecuteNonQueryAsync(cts.Token);
        }

        await using (var insert = new NpgsqlCommand("INSERT INTO notes (id, body) VALUES (@id, @body)", connection))
        {
            insert.Parameters.AddWithValue("id", 1);
            insert.Parameters.AddWithValue("body", "hello from the test server");
            (await insert.ExecuteNonQueryAsync(cts.Token)).ShouldBe(1);
        }

        await using var select = new NpgsqlCommand("SELECT body FROM notes WHERE id = 1", connection);
        (await select.ExecuteScalarAsync(cts.Token)).ShouldBe("hello from the test server");
    }

    [Fact]
    public async Task Postgres_gives_every_caller_its_own_database()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var names = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
            new NpgsqlConnectionStringBuilder(await TestServers.CreatePostgresDatabaseAsync("infra-many", cts.Token)).Database));

        names.Distinct().Count().ShouldBe(4);
    }

    [Fact]
    public async Task Redis_stores_and_returns_a_value()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestServers.RedisConnectionString);
        var db = redis.GetDatabase();
        var key = $"infra-check:{Guid.NewGuid():N}";

        (await db.StringSetAsync(key, "hello", TimeSpan.FromMinutes(1))).ShouldBeTrue();
        ((string?)await db.StringGetAsync(key)).ShouldBe("hello");
    }

    [Fact]
    public async Task RabbitMq_routes_a_message_inside_a_leased_vhost()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var lease = TestServers.LeaseRabbitVhost();
        lease.Uri.AbsolutePath.ShouldBe("/" + lease.VirtualHost);

        var factory = new ConnectionFactory { Uri = lease.Uri };
        factory.VirtualHost.ShouldBe(lease.VirtualHost);

        await using var connection = await factory.CreateConnectionAsync(cts.Token);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cts.Token);
        var queue = await channel.QueueDeclareAsync(
            queue: "", durable: false, exclusive: true, autoDelete: true, cancellationToken: cts.Token);

        var sent = Encoding.UTF8.GetBytes($"hello {lease.VirtualHost}");
        await channel.BasicPublishAsync(exchange: "", routingKey: queue.QueueName, body: sent, cancellationToken: cts.Token);

        var received = await Eventually.Until<BasicGetResult?>(async () => await channel.BasicGetAsync(queue.QueueName, autoAck: true, cts.Token), r => r is not null,
            "the message back from the queue");

        Encoding.UTF8.GetString(received!.Body.Span).ShouldBe($"hello {lease.VirtualHost}");
    }

    [Fact]
    public void Chromium_is_installed()
    {
        File.Exists(TestServers.ChromiumPath).ShouldBeTrue(TestServers.ChromiumPath);
    }

    [Fact]
    public void Repository_root_holds_the_solution_and_the_test_script()
    {
        File.Exists(Path.Combine(TestServers.RepositoryRoot, "Builder.sln")).ShouldBeTrue();
        File.Exists(Path.Combine(TestServers.RepositoryRoot, "test.sh")).ShouldBeTrue();
    }

    [Fact]
    public void A_missing_variable_says_to_run_the_test_script()
    {
        var error = Should.Throw<InvalidOperationException>(
            () => TestServers.Required(TestServers.PostgresVariable, _ => null));

        error.Message.ShouldContain(TestServers.PostgresVariable);
        error.Message.ShouldContain("Run ./test.sh: it starts PostgreSQL, Redis and RabbitMQ for the tests");
    }

    [Fact]
    public void Vhost_pool_hands_out_each_vhost_once_across_threads_then_refuses()
    {
        var vhosts = Enumerable.Range(1, 12).Select(i => $"builder-{i}").ToArray();
        var pool = RabbitVhostPool.Parse("amqp://guest:guest@127.0.0.1:5672", string.Join(",", vhosts));

        var leases = new System.Collections.Concurrent.ConcurrentBag<RabbitVhostLease>();
        var failures = 0;
        Parallel.For(0, 40, _ =>
        {
            try
            {
                leases.Add(pool.Lease());
            }
            catch (InvalidOperationException)
            {
                Interlocked.Increment(ref failures);
            }
        });

        leases.Select(l => l.VirtualHost).OrderBy(v => v, StringComparer.Ordinal)
            .ShouldBe(vhosts.OrderBy(v => v, StringComparer.Ordinal));
        failures.ShouldBe(28);
        leases.Single(l => l.VirtualHost == "builder-3").ToString().ShouldBe("amqp://guest:guest@127.0.0.1:5672/builder-3");
        Should.Throw<InvalidOperationException>(pool.Lease).Message.ShouldContain("All 12 RabbitMQ vhosts");
    }

    [Fact]
    public void Database_names_are_safe_identifiers_that_keep_their_unique_part()
    {
        var name = TestServers.DatabaseName("Feature \"Saga\"; DROP-TABLE with a very long prefix indeed");

        name.ShouldMatch("^[a-z0-9_]+$");
        name.Length.ShouldBeLessThanOrEqualTo(63);
        TestServers.DatabaseName("x").ShouldNotBe(TestServers.DatabaseName("x"));
    }
}
