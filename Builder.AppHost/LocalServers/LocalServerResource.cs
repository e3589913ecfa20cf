using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Builder.AppHost.LocalServers;

/// <summary>
/// A database, cache or broker run from the machine's own server binaries: the stand-in for Aspire's
/// container resources where no container engine or image is available. It listens on one fixed
/// loopback port and hands its connection string to the projects that reference it.
/// </summary>
public abstract class LocalServerResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public EndpointReference Endpoint => new(this, EndpointName);

    /// <summary>The loopback address: the servers listen on 127.0.0.1 only, and "localhost" may resolve to ::1 first.</summary>
    protected EndpointReferenceExpression Host => Endpoint.Property(EndpointProperty.IPV4Host);

    protected EndpointReferenceExpression Port => Endpoint.Property(EndpointProperty.Port);

    public abstract ReferenceExpression ConnectionStringExpression { get; }
}

static class LocalServerExtensions
{
    /// <summary>
    /// Listens on <paramref name="port"/> as given (no proxy: the server's own address is the one handed out)
    /// and is healthy once <paramref name="probe"/> succeeds, so <c>WaitFor</c> waits for a server that answers.
    /// </summary>
    public static IResourceBuilder<T> ListeningOn<T>(this IResourceBuilder<T> server, int port, Func<CancellationToken, Task> probe)
        where T : ExecutableResource
    {
        var check = $"{server.Resource.Name}-answers";
        server.ApplicationBuilder.Services.AddHealthChecks().AddAsyncCheck(check, async cancellationToken =>
        {
            try
            {
                await probe(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy(e.Message);
            }
        });
        return server
            .WithEndpoint(LocalServerResource.EndpointName, endpoint =>
            {
                endpoint.Port = port;
                endpoint.TargetPort = port;
                endpoint.IsProxied = false;
                endpoint.UriScheme = "tcp";
            })
            .WithHealthCheck(check);
    }

    /// <summary>The command that runs <paramref name="program"/> as <paramref name="user"/> when we are root, else as ourselves.</summary>
    public static (string Command, string[] Prefix) AsUser(string user, string program) =>
        Environment.UserName == "root"
            // setpriv execs the program in place, so stop signals reach the server itself.
            ? ("setpriv", [$"--reuid={user}", $"--regid={user}", "--init-groups", program])
            : (program, []);

    public static string RequireFile(string path, string debianPackage) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"{path} not found: install it with apt-get install {debianPackage}");
}
