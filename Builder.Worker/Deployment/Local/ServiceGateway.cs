using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Builder.Worker.Deployment.Local;

/// <summary>
/// The stable address of every local service: a loopback listener that forwards
/// /services/{name}/... to the live version. The route is read per request, so switching versions
/// never drops a request: the old version keeps answering what it already took.
/// </summary>
public sealed class ServiceGateway(IOptions<DeployOptions> options, ILogger<ServiceGateway> logger) : IHostedService, IAsyncDisposable
{
    readonly ConcurrentDictionary<string, Uri> _routes = new(StringComparer.Ordinal);
    readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    });

    WebApplication? _app;

    /// <summary>The gateway's base address, e.g. http://127.0.0.1:40123; known once started.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public string Address(string service) => new Uri(BaseAddress, $"services/{service}/").ToString();

    public bool Route(string service, Uri? version)
    {
        if (version is null)
            return _routes.TryRemove(service, out _);
        var before = _routes.TryGetValue(service, out var current) ? current : null;
        _routes[service] = version;
        return before != version;
    }

    public Uri? RouteOf(string service) => _routes.TryGetValue(service, out var version) ? version : null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, options.Value.GatewayPort));
        builder.Logging.ClearProviders();
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        app.Map("/services/{name}/{**rest}", ForwardAsync);
        app.Map("/services/{name}", ForwardAsync);
        await app.StartAsync(cancellationToken);
        _app = app;

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        logger.LogInformation("Service gateway listening at {Address}", BaseAddress);
    }

    async Task ForwardAsync(HttpContext context, string name, string? rest, IHttpForwarder forwarder)
    {
        if (RouteOf(name) is not { } version)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsync($"No version of '{name}' is deployed.\n");
            return;
        }

        var error = await forwarder.SendAsync(context, version.ToString(), _client, ForwarderRequestConfig.Empty, new PathTransformer("/" + (rest ?? "")));
        if (error != ForwarderError.None)
            logger.LogWarning("Forwarding to {Service} at {Version} failed: {Error}", name, version, error);
    }

    /// <summary>Sends /services/{name}/rest to the version as /rest.</summary>
    sealed class PathTransformer(string path) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix,
            CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            proxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(destinationPrefix, new PathString(path), httpContext.Request.QueryString);
            proxyRequest.Headers.Host = null;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
            await _app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
        _client.Dispose();
    }
}
