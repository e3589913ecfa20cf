using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using k8s;

namespace Builder.Worker.Deployment.Kubernetes;

/// <summary>
/// A connected cluster: the API client, and the authenticated HTTP client registered for its
/// origin so that Builder's probes reach versions through the API server's service proxy.
/// </summary>
public sealed record KubernetesCluster(k8s.Kubernetes Client, string Server, string Namespace)
{
    public static KubernetesCluster? Connect(KubernetesOptions options, ServiceClients clients)
    {
        if (options.Build() is not ({ } configuration, null))
            return null;
        var client = new k8s.Kubernetes(configuration);
        var server = configuration.Host.TrimEnd('/');
        // Probes reach versions through the API server's proxy, with the cluster's credentials.
        clients.Register(new Uri(server), ServiceClients.Create(new Credentials(configuration) { InnerHandler = Transport(configuration) }));
        return new KubernetesCluster(client, server, configuration.Namespace!);
    }

    /// <summary>TLS as the cluster's configuration says: its CA (or no check when told to skip it) and its client certificate.</summary>
    static SocketsHttpHandler Transport(KubernetesClientConfiguration configuration)
    {
        var handler = new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromSeconds(30) };
        if (configuration.SkipTlsVerify)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        else if (configuration.SslCaCerts is { Count: > 0 } authorities)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == System.Net.Security.SslPolicyErrors.None || certificate is not null && Trusted(authorities, certificate);
        if (configuration.ClientCertificateData is not null || configuration.ClientCertificateFilePath is not null)
            handler.SslOptions.ClientCertificates = [ClientCertificate(configuration)];
        return handler;
    }

    static X509Certificate2 ClientCertificate(KubernetesClientConfiguration configuration) =>
        configuration.ClientCertificateData is { } data
            ? X509Certificate2.CreateFromPem(Pem(data), Pem(configuration.ClientCertificateKeyData!))
            : X509Certificate2.CreateFromPemFile(configuration.ClientCertificateFilePath!, configuration.ClientKeyFilePath);

    /// <summary>Kubeconfig carries PEM base64-encoded once more.</summary>
    static string Pem(string base64) => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64));

    static bool Trusted(X509Certificate2Collection authorities, X509Certificate certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(new X509Certificate2(certificate));
    }

    public Uri ProxyAddress(string serviceObject) =>
        new($"{Server}/api/v1/namespaces/{Namespace}/services/{serviceObject}:{KubernetesObjects.PortName}/proxy/");
}

/// <summary>The bearer token (static or from a provider) on each probe, as the client puts it on each API call.</summary>
file sealed class Credentials(KubernetesClientConfiguration configuration) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (configuration.TokenProvider is { } provider)
            request.Headers.Authorization = await provider.GetAuthenticationHeaderAsync(cancellationToken);
        else if (!string.IsNullOrEmpty(configuration.AccessToken))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", configuration.AccessToken);
        else if (!string.IsNullOrEmpty(configuration.Username))
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{configuration.Username}:{configuration.Password}")));
        return await base.SendAsync(request, cancellationToken);
    }
}
