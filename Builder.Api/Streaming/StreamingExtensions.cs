using System.Text.Json;
using System.Text.Json.Serialization;
using Builder.Core.Caching;
using StackExchange.Redis;

namespace Builder.Api.Streaming;

public static class StreamingExtensions
{
    /// <summary>The event feed, the SSE/WebSocket streams and the SignalR hub (with the Redis backplane when a cache server is configured).</summary>
    public static IHostApplicationBuilder AddLiveProgress(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StreamingOptions>().Bind(builder.Configuration.GetSection(StreamingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<FeatureEventFeed>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FeatureEventFeed>());
        builder.Services.AddSingleton<FeatureEventStream>();
        builder.Services.AddSingleton<HubSubscriptions>();
        builder.Services.AddHostedService<FeatureHubRelay>();

        var signalR = builder.Services.AddSignalR().AddJsonProtocol(o =>
        {
            o.PayloadSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        });
        var redis = builder.Configuration.GetConnectionString(CacheExtensions.ConnectionName);
        if (!string.IsNullOrWhiteSpace(redis))
            signalR.AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = RedisChannel.Literal("builder:signalr"));
        return builder;
    }

    public static IEndpointRouteBuilder MapLiveProgress(this IEndpointRouteBuilder app)
    {
        app.MapStreamApi();
        app.MapHub<FeaturesHub>(FeaturesHub.Path);
        return app;
    }
}
