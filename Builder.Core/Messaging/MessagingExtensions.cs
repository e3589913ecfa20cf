using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Builder.Core.Messaging;

public static class MessagingExtensions
{
    public const string ConnectionName = "messaging";

    /// <summary>
    /// RabbitMQ when <c>ConnectionStrings:messaging</c> is set (an amqp:// URI, distributed), otherwise
    /// MassTransit's in-memory transport (embedded: the worker must then run in the same process).
    /// </summary>
    public static IHostApplicationBuilder AddBuilderMessaging(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? configure = null)
    {
        var rabbit = builder.Configuration.GetConnectionString(ConnectionName);
        // A stopping process hands unfinished work back rather than finishing a long build first (a
        // supervisor kills it soon after SIGTERM anyway): after ConsumerStopTimeout the consumers' tokens
        // are cancelled, the sandboxed command is killed, and the unacknowledged message goes back to the
        // broker for another worker, or for this one when it starts again.
        builder.Services.AddOptions<MassTransitHostOptions>().Configure(options =>
        {
            options.ConsumerStopTimeout = TimeSpan.FromSeconds(3);
            options.StopTimeout = TimeSpan.FromSeconds(10);
        });
        builder.Services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            configure?.Invoke(x);

            if (string.IsNullOrWhiteSpace(rabbit))
            {
                x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
                return;
            }

            var uri = new Uri(rabbit);
            x.UsingRabbitMq((context, cfg) =>
            {
                var vhost = uri.AbsolutePath.Trim('/') is { Length: > 0 } path ? Uri.UnescapeDataString(path) : "/";
                cfg.Host(uri.Host, (ushort)(uri.IsDefaultPort ? 5672 : uri.Port), vhost, h =>
                {
                    var credentials = uri.UserInfo.Split(':', 2);
                    if (credentials[0].Length > 0)
                    {
                        h.Username(Uri.UnescapeDataString(credentials[0]));
                        h.Password(credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : "");
                    }
                });
                cfg.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    public static bool HasBroker(this IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration.GetConnectionString(ConnectionName));

    /// <summary>Whether the Api runs the worker itself: without a broker the in-memory transport cannot reach another process.</summary>
    public static bool HostsWorker(this IConfiguration configuration) =>
        configuration.GetValue<bool?>("Builder:Api:HostWorker") ?? !configuration.HasBroker();
}
