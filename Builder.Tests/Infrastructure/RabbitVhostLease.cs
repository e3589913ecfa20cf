namespace Builder.Tests.Infrastructure;

/// <summary>
/// A RabbitMQ vhost that belongs to one test (or one test cluster) for the rest of the test process.
/// <see cref="Uri"/> carries credentials and the vhost, e.g. amqp://guest:guest@127.0.0.1:5672/builder-3,
/// which both RabbitMQ.Client (<c>ConnectionFactory.Uri</c>) and MassTransit (<c>cfg.Host(uri)</c>) accept.
/// </summary>
public sealed record RabbitVhostLease(string VirtualHost, Uri Uri)
{
    public override string ToString() => Uri.ToString();
}
