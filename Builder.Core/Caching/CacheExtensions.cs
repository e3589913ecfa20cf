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

        builder.Services.AddStackExchangeRedisCache(o =>
        {
            o.Configuration = redis;
            o.InstanceName = "builder:";
        });
        builder.Services.AddHealthChecks().AddRedis(redis, name: "cache", tags: ["ready"]);
        return builder;
    }
}
