using System.Collections.Concurrent;
using System.Diagnostics;
using System.Formats.Tar;
using System.Text;
using Builder.Worker.Sandbox;
using Builder.Worker.Sandbox.Docker;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;

namespace Builder.Worker.Environments;

/// <summary>An environment image ready to run a repository's commands: built now, or reused.</summary>
public sealed record EnvironmentImage(string Tag, bool Reused, string Dockerfile, string Log, TimeSpan Duration);

/// <param name="Reference">The image's name as the engine lists it (Podman prefixes localhost/).</param>
/// <param name="Tag">builder-env:&lt;hash&gt;, as runs record it.</param>
public sealed record EngineImage(string Reference, string Tag, string Id, long Size, DateTime Created);

/// <summary>A failed image build: the message and the build log's tail.</summary>
public sealed class EnvironmentBuildException(string message) : Exception(message);

/// <summary>
/// Builds environment images through the engine's API, once per tag: an image whose tag exists is
/// reused by every feature and repository with the same environment. After a build, images of
/// environments unused for the longest are removed beyond the configured count and age.
/// </summary>
public sealed class EnvironmentImages(IOptions<EnvironmentOptions> options, IOptions<SandboxOptions> sandboxOptions, ILogger<EnvironmentImages> logger)
    : IDisposable
{
    public const string Label = "builder.environment";

    readonly Lazy<DockerClient> _client = new(() => new DockerEngine(sandboxOptions.Value).CreateClient());
    readonly ConcurrentDictionary<string, SemaphoreSlim> _building = new();
    readonly ConcurrentDictionary<string, DateTime> _lastUsed = new();

    public EnvironmentOptions Options => options.Value;

    /// <summary>Null when an engine answers, else why not.</summary>
    public Task<string?> EngineProblemAsync(CancellationToken cancellationToken) => new DockerEngine(sandboxOptions.Value).PingAsync(cancellationToken);

    public async Task<EnvironmentImage> EnsureAsync(EnvironmentManifest manifest, string workspace, CancellationToken cancellationToken)
    {
        var (dockerfile, dockerfileName, context) = await ContextAsync(manifest, workspace, cancellationToken);
        var tag = EnvironmentDockerfile.Tag(dockerfile, manifest.Lockfiles, workspace);
        // Two features of one repository planned at once build the image once.
        var gate = _building.GetOrAdd(tag, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            _lastUsed[tag] = DateTime.UtcNow;
            if (await ExistsAsync(tag, cancellationToken))
                return new EnvironmentImage(tag, Reused: true, dockerfile, $"[builder] image {tag} already built from the same environment: reused\n", TimeSpan.Zero);

            var stopwatch = Stopwatch.StartNew();
            var log = new StringBuilder();
            string? failed = null;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.BuildTimeout);
            try
            {
                await _client.Value.Images.BuildImageFromDockerfileAsync(
                    new ImageBuildParameters
                    {
                        Dockerfile = dockerfileName, Tags = [tag], Remove = true, ForceRemove = true,
                        Labels = new Dictionary<string, string> { [Label] = EnvironmentDockerfile.GeneratorVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                    },
                    context, null, null,
                    new ImmediateProgress<JSONMessage>(message =>
                    {
                        if (message.Stream is { } line)
                            lock (log)
                                log.Append(line);
                        var error = message.Error?.Message ?? message.ErrorMessage;
                        if (!string.IsNullOrEmpty(error))
                            failed ??= error;
                    }), timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failed = $"the build took longer than {options.Value.BuildTimeout} (Builder:Environments:BuildTimeout)";
            }
            catch (DockerApiException ex)
            {
                failed = ex.ResponseBody is { Length: > 0 } body ? body.Trim() : ex.Message;
            }

            if (failed is not null || !await ExistsAsync(tag, cancellationToken))
                throw new EnvironmentBuildException($"Building the environment image {tag} failed: {failed ?? "the engine made no image"}\n{Tail(log.ToString())}");
            log.Append($"\n[builder] image {tag} built in {stopwatch.Elapsed.TotalSeconds:0.0} s ({(manifest.Dockerfile is null ? "generated Dockerfile" : manifest.Dockerfile)})\n");
            await PruneAsync(tag);
            return new EnvironmentImage(tag, Reused: false, dockerfile, log.ToString(), stopwatch.Elapsed);
        }
        finally
        {
            gate.Release();
            await context.DisposeAsync();
        }
    }

    /// <summary>The generated Dockerfile alone, or the repository (without .git) with its own Dockerfile.</summary>
    async Task<(string Dockerfile, string Name, Stream Context)> ContextAsync(EnvironmentManifest manifest, string workspace, CancellationToken cancellationToken)
    {
        var tar = new MemoryStream();
        if (manifest.Dockerfile is { } own)
        {
            var path = Path.Combine(workspace, own);
            if (!File.Exists(path))
                throw new EnvironmentBuildException($"{EnvironmentManifest.FileName} names the dockerfile '{own}', which is not in the repository.");
            await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
            {
                foreach (var file in Directory.EnumerateFiles(workspace, "*", SearchOption.AllDirectories))
                {
                    var relative = Path.GetRelativePath(workspace, file).Replace('\\', '/');
                    if (relative == ".git" || relative.StartsWith(".git/", StringComparison.Ordinal))
                        continue;
                    await writer.WriteEntryAsync(file, relative, cancellationToken);
                }
            }

            tar.Position = 0;
            return (await File.ReadAllTextAsync(path, cancellationToken), own.Replace('\\', '/'), tar);
        }

        var dockerfile = EnvironmentDockerfile.For(manifest, options.Value);
        await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "Dockerfile") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(dockerfile)) };
            await writer.WriteEntryAsync(entry, cancellationToken);
        }

        tar.Position = 0;
        return (dockerfile, "Dockerfile", tar);
    }

    public async Task<bool> ExistsAsync(string tag, CancellationToken cancellationToken)
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

    /// <summary>The environment images on the engine (tools' images among them), each by the tag runs record.</summary>
    public async Task<IReadOnlyList<EngineImage>> ListAsync(CancellationToken cancellationToken)
    {
        var images = await _client.Value.Images.ListImagesAsync(new ImagesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [Label] = true } },
        }, cancellationToken);
        return images
            .SelectMany(i => (i.RepoTags ?? []).Where(t => t.StartsWith(EnvironmentDockerfile.Repository + ":", StringComparison.Ordinal) || t.Contains("/" + EnvironmentDockerfile.Repository + ":", StringComparison.Ordinal))
                .Select(t => new EngineImage(t, Short(t), i.ID, i.Size, i.Created)))
            .ToList();
    }

    /// <summary>
    /// Environment images beyond <see cref="EnvironmentOptions.KeepImages"/> or unused for longer than
    /// <see cref="EnvironmentOptions.MaxUnusedAge"/> go, least recently used first (an image this worker
    /// has not used counts from its creation). The image just built stays.
    /// </summary>
    public async Task<IReadOnlyList<string>> PruneAsync(string keep)
    {
        var removed = new List<string>();
        try
        {
            var byUse = (await ListAsync(CancellationToken.None))
                .Select(i => (i.Reference, i.Tag, Used: _lastUsed.TryGetValue(i.Tag, out var used) ? used : i.Created))
                .OrderByDescending(i => i.Used)
                .ToList();
            var cutoff = DateTime.UtcNow - options.Value.MaxUnusedAge;
            foreach (var (reference, _, _) in byUse.Where((image, index) => image.Tag != keep && (index >= options.Value.KeepImages || image.Used < cutoff)))
            {
                await _client.Value.Images.DeleteImageAsync(reference, new ImageDeleteParameters { Force = false });
                removed.Add(reference);
                logger.LogInformation("Environment image {Tag} removed (least recently used beyond Builder:Environments limits)", reference);
            }
        }
        catch (DockerApiException ex)
        {
            // An image still used by a running container cannot go now; the next build tries again.
            logger.LogInformation("Environment images not pruned now: {Problem}", ex.Message);
        }

        return removed;
    }

    /// <summary>builder-env:&lt;hash&gt;, whatever registry the engine puts before it (Podman lists localhost/ or docker.io/library/).</summary>
    static string Short(string reference) => reference[(reference.LastIndexOf('/') + 1)..];

    static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];

    public void Dispose()
    {
        if (_client.IsValueCreated)
            _client.Value.Dispose();
    }
}
