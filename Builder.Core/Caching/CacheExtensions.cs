using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Builder.Core.Caching;

public static class CacheExtensions
{
    public const string ConnectionName = "cache";

    /// <summary>Redis when <c>ConnectionStrings:cache</c> is set (distributed, shared by every process), otherwise in-process memory.</summary>
    public static IHostApplicationBuilder AddBuilderCache(this IHostApplicationBuilder builder)
    {
        var redis = builder.Configuration.GetConnectionString(ConnectionName);
        if (string.IsNullOrWhiteSpace(redis))
        {
            builder.Services.AddDistributedMemoryCache();
            return builder;
        }

        // One Redis may serve several deployments (staging beside production, test clusters side by side):
        // entries are namespaced by the database they describe, so one never sees another's.
        var database = builder.Configuration.GetConnectionString(Persistence.DatabaseExtensions.ConnectionName) ?? "";
        var scope = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(database)))[..12];
        builder.Services.AddStackExchangeRedisCache(o =>
        {
            o.Configuration = redis;
            o.InstanceName = $"builder:{scope}:";
        });
        builder.Services.AddHealthChecks().AddRedis(redis, name: "cache", tags: ["ready"]);
        return builder;
    }
}
