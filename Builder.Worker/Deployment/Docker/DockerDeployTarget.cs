using System.Collections.Concurrent;
using System.Formats.Tar;
using System.Globalization;
using Builder.Worker.Deployment.Local;
using Builder.Worker.Pipeline;
using Builder.Worker.Sandbox;
using Builder.Worker.Sandbox.Docker;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;

namespace Builder.Worker.Deployment.Docker;

/// <summary>
/// Services as containers of the configured engine (Docker, or Podman's Docker-compatible API): the
/// release is published as on the local target, then built into an image from the generated
/// Dockerfile (or the repository's own) and tagged by a hash of everything in it, so an unchanged
/// release reuses its image; a repository with an environment manifest gets its environment image as
/// the base. Each version runs as its own container published on a loopback port,
/// behind the same gateway and blue/green switch as local services; health is probed by Builder,
/// not by the engine (Podman runs no HEALTHCHECK on a schedule here).
/// </summary>
public sealed class DockerDeployTarget(
    LocalDeployTarget local, ServiceGateway gateway, IOptions<DeployOptions> options, IOptions<SandboxOptions> sandboxOptions,
    Environments.EnvironmentImages environments, ILogger<DockerDeployTarget> logger) : IDeployTarget, IHostedService
{
    const string ServiceLabel = "builder.service";
    readonly ConcurrentDictionary<Guid, string> _images = new();
    readonly ConcurrentDictionary<Guid, string> _containers = new();
    readonly Lazy<DockerClient> _client = new(() => new DockerEngine(sandboxOptions.Value).CreateClient());

    public string Name => "docker";

    public string StableAddress(string service) => gateway.Address(service);

    public async Task CheckAsync(DeployManifest manifest, CancellationToken cancellationToken)
    {
        if (await new DockerEngine(sandboxOptions.Value).PingAsync(cancellationToken) is { } missing)
            throw new PhaseFailedException("target_unavailable",
                $"builder.yaml asks for the {manifest.Target} target, which builds the service's image with a container engine, but {missing}. "
                + "Set Builder:Sandbox:DockerEndpoint (or DOCKER_HOST) to an engine, or deploy with target: local.");
        if (BaseImage(manifest) is null)
            throw new PhaseFailedException("manifest_invalid",
                $"builder.yaml: runtime '{manifest.Runtime}' has no base image for the {manifest.Target} target (Builder:Deploy:BaseImages:{manifest.Runtime}); add a Dockerfile to the repository instead.");
    }

    /// <summary>
    /// A repository that declares its environment runs its service on that image (the same one its
    /// commands ran in, built or reused by hash), not on the runtime's default base.
    /// </summary>
    async Task<string?> EnvironmentImageAsync(Release release, CancellationToken cancellationToken)
    {
        try
        {
            return Environments.EnvironmentManifest.Find(release.Workspace) is { } environment
                ? (await environments.EnsureAsync(environment, release.Workspace, cancellationToken)).Tag
                : null;
        }
        catch (Environments.EnvironmentManifestException ex)
        {
            throw new PhaseFailedException("environment_invalid", ex.Message);
        }
        catch (Environments.EnvironmentBuildException ex)
        {
            throw new PhaseFailedException("image_build_failed", ex.Message);
        }
    }

    string? BaseImage(DeployManifest manifest) =>
        options.Value.BaseImages.TryGetValue(manifest.Runtime, out var image) && !string.IsNullOrWhiteSpace(image) ? image : null;

    public async Task<PublishedRelease> PublishAsync(Release release, CancellationToken cancellationToken)
    {
        var published = await local.PublishAsync(release, cancellationToken);
        var handWritten = File.Exists(Path.Combine(release.Folder, GeneratedDockerfile.HandWritten));
        var dockerfileName = handWritten ? GeneratedDockerfile.HandWritten : GeneratedDockerfile.FileName;
        if (!handWritten)
            await File.WriteAllTextAsync(Path.Combine(release.Folder, GeneratedDockerfile.FileName),
                GeneratedDockerfile.For(release.Manifest, await EnvironmentImageAsync(release, cancellationToken) ?? BaseImage(release.Manifest)!), cancellationToken);
        var dockerfile = await File.ReadAllTextAsync(Path.Combine(release.Folder, dockerfileName), cancellationToken);
        var tag = GeneratedDockerfile.Tag(release.Manifest.Service, dockerfile, release.Folder);
        _images[release.VersionId] = tag;
        published = published with { Generated = new Dictionary<string, string> { ["Dockerfile"] = dockerfile } };

        var log = new System.Text.StringBuilder(published.Output);
        if (await ImageExistsAsync(tag, cancellationToken))
        {
            log.Append($"\n[builder] image {tag} already built from the same files: reused\n");
            return published with { Output = log.ToString() };
        }

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var failed = (string?)null;
        var context = await TarAsync(release.Folder, cancellationToken);
        await _client.Value.Images.BuildImageFromDockerfileAsync(
            new ImageBuildParameters { Dockerfile = dockerfileName, Tags = [tag], Remove = true, ForceRemove = true, Labels = new Dictionary<string, string> { [ServiceLabel] = release.Manifest.Service } },
            context, null, null,
            new ImmediateProgress<JSONMessage>(message =>
            {
                if (message.Stream is { } line)
                    log.Append(line);
                var error = message.Error?.Message ?? message.ErrorMessage;
                if (!string.IsNullOrEmpty(error))
                    failed ??= error;
            }), cancellationToken);
        if (failed is not null || !await ImageExistsAsync(tag, cancellationToken))
            throw new PhaseFailedException("image_build_failed", $"Building the image {tag} failed: {failed ?? "the engine made no image"}\n{Tail(log.ToString())}");
        log.Append($"\n[builder] image {tag} built in {stopwatch.Elapsed.TotalSeconds:0.0} s ({(handWritten ? "the repository's Dockerfile" : "generated Dockerfile")})\n");
        return published with { Output = log.ToString(), Duration = published.Duration + stopwatch.Elapsed };
    }

    /// <summary>The image tag of a version this worker published.</summary>
    public string? ImageOf(Guid versionId) => _images.TryGetValue(versionId, out var tag) ? tag : null;

    async Task<bool> ImageExistsAsync(string tag, CancellationToken cancellationToken)
    {
        try
        {
            await _client.Value.Images.InspectImageAsync(tag, cancellationToken);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    static async Task<Stream> TarAsync(string folder, CancellationToken cancellationToken)
    {
        var tar = new MemoryStream();
        await TarFile.CreateFromDirectoryAsync(folder, tar, includeBaseDirectory: false, cancellationToken);
        tar.Position = 0;
        return tar;
    }

    public async Task<Uri> StartAsync(Release release, Action<string> onRestart, CancellationToken cancellationToken)
    {
        var image = _images.TryGetValue(release.VersionId, out var tag) ? tag
            : throw new PhaseFailedException("version_not_started", $"Version {release.Number} of {release.Manifest.Service} has no image: it was not published by this worker.");
        var hostPort = local.FreePort();
        var containerPort = (release.Manifest.Port ?? GeneratedDockerfile.ContainerPort).ToString(CultureInfo.InvariantCulture);
        var created = await _client.Value.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = $"builder-{release.Manifest.Service}-{release.Number}-{release.VersionId.ToString("N")[..8]}",
            Image = image,
            Env = [$"PORT={containerPort}", $"BUILDER_VERSION={release.Number}", $"BUILDER_SERVICE={release.Manifest.Service}",
                   .. release.Manifest.Environment.Select(e => $"{e.Key}={e.Value}")],
            ExposedPorts = new Dictionary<string, EmptyStruct> { [$"{containerPort}/tcp"] = default },
            Labels = new Dictionary<string, string> { [ServiceLabel] = release.Manifest.Service, ["builder.version"] = release.VersionId.ToString() },
            HostConfig = new HostConfig
            {
                PortBindings = new Dictionary<string, IList<PortBinding>>
                {
                    [$"{containerPort}/tcp"] = [new PortBinding { HostIP = "127.0.0.1", HostPort = hostPort.ToString(CultureInfo.InvariantCulture) }],
                },
                Memory = release.Manifest.Resources.MemoryBytes,
                PidsLimit = release.Manifest.Resources.MaxProcesses,
                ReadonlyRootfs = false,
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges"],
                RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.OnFailure, MaximumRetryCount = options.Value.MaxRestarts },
            },
        }, cancellationToken);
        _containers[release.VersionId] = created.ID;
        await _client.Value.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken);
        logger.LogInformation("Version {Version} of {Service} runs as container {Container} on 127.0.0.1:{Port}", release.Number, release.Manifest.Service, created.ID[..12], hostPort);
        return new Uri($"http://127.0.0.1:{hostPort}/");
    }

    /// <summary>A container of the version that outlived its worker (a crash) is adopted; its image tag is recomputed from the release.</summary>
    public async Task<Uri?> AdoptAsync(Release release, CancellationToken cancellationToken)
    {
        var dockerfile = Path.Combine(release.Folder, File.Exists(Path.Combine(release.Folder, GeneratedDockerfile.HandWritten)) ? GeneratedDockerfile.HandWritten : GeneratedDockerfile.FileName);
        if (File.Exists(dockerfile))
            _images[release.VersionId] = GeneratedDockerfile.Tag(release.Manifest.Service, await File.ReadAllTextAsync(dockerfile, cancellationToken), release.Folder);
        var found = await _client.Value.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"builder.version={release.VersionId}"] = true } },
        }, cancellationToken);
        foreach (var container in found)
        {
            var binding = container.Ports?.FirstOrDefault(p => p.PublicPort > 0);
            if (container.State == "running" && binding is not null)
            {
                _containers[release.VersionId] = container.ID;
                return new Uri($"http://127.0.0.1:{binding.PublicPort}/");
            }

            // Stopped or unreachable: a fresh container replaces it.
            await _client.Value.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, cancellationToken);
        }

        return null;
    }

    public async Task<bool> IsRunningAsync(Guid versionId, CancellationToken cancellationToken)
    {
        if (!_containers.TryGetValue(versionId, out var id))
            return false;
        try
        {
            return (await _client.Value.Containers.InspectContainerAsync(id, cancellationToken)).State.Running;
        }
        catch (DockerContainerNotFoundException)
        {
            return false;
        }
    }

    public Task<bool> RouteAsync(string service, Uri? version, CancellationToken cancellationToken) => Task.FromResult(gateway.Route(service, version));

    public async Task StopAsync(Guid versionId)
    {
        if (!_containers.TryRemove(versionId, out var id))
            return;
        try
        {
            await _client.Value.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = 5 });
            await _client.Value.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true });
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (DockerApiException ex)
        {
            logger.LogWarning("Could not remove container {Container}: {Problem}", id[..12], ex.Message);
        }
    }

    static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Like local services, containers stop with the worker that supervises them.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var versionId in _containers.Keys.ToList())
            await StopAsync(versionId);
    }
}
