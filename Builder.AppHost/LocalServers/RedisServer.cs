using StackExchange.Redis;

namespace Builder.AppHost.LocalServers;

public sealed class RedisServerResource(string name, string command, string workingDirectory)
    : LocalServerResource(name, command, workingDirectory)
{
    public override ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Host}:{Port}");
}

public static class RedisServerExtensions
{
    /// <summary>redis-server from the Debian package: a cache, so nothing is persisted.</summary>
    public static IResourceBuilder<RedisServerResource> AddLocalRedis(
        this IDistributedApplicationBuilder builder, string name, string dataDirectory, int port)
    {
        var redis = LocalServerExtensions.RequireFile("/usr/bin/redis-server", "redis-server");
        Directory.CreateDirectory(dataDirectory);
        return builder.AddResource(new RedisServerResource(name, redis, dataDirectory))
            .WithArgs("--port", $"{port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dataDirectory)
            .ListeningOn(port, async _ =>
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},connectTimeout=3000");
                await connection.GetDatabase().PingAsync();
            });
    }
}
