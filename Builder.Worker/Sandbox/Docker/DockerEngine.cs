using Docker.DotNet;

namespace Builder.Worker.Sandbox.Docker;

/// <summary>The configured Docker endpoint, and whether an engine answers there.</summary>
public sealed class DockerEngine(SandboxOptions options)
{
    public Uri Endpoint { get; } = new(options.ResolvedDockerEndpoint);

    public DockerClient CreateClient() => new DockerClientConfiguration(Endpoint).CreateClient();

    /// <summary>
    /// Null when an engine answered a ping within <see cref="SandboxOptions.DockerPingTimeout"/>,
    /// else why not. Never throws: most hosts have no engine, and asking must stay cheap.
    /// </summary>
    public async Task<string?> PingAsync(CancellationToken cancellationToken)
    {
        // A missing socket is the usual case; answering it without a connection attempt keeps start-up fast.
        if (Endpoint.Scheme == "unix" && !File.Exists(Endpoint.LocalPath))
            return $"no Docker engine: {Endpoint.LocalPath} does not exist";

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.DockerPingTimeout);
        try
        {
            using var client = CreateClient();
            await client.System.PingAsync(timeout.Token);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no Docker engine answered at {Endpoint} within {options.DockerPingTimeout.TotalSeconds:0.###} s";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return $"no Docker engine at {Endpoint}: {ex.GetBaseException().Message}";
        }
    }
}
