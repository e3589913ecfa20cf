using System.Formats.Tar;
using Builder.Tests.Support;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Builder.Tests.Deployment;

/// <summary>
/// A real container engine (Podman's Docker-compatible API, started by test.sh) and a Node base image
/// made from this machine's own files, since no registry is reachable: what the docker target needs.
/// </summary>
public sealed class ContainerEngine : IAsyncLifetime
{
    public const string NodeImage = "local/builder-test-node";

    public string Endpoint { get; } = Environment.GetEnvironmentVariable("BUILDER_TEST_DOCKER_HOST")
        ?? throw new InvalidOperationException("BUILDER_TEST_DOCKER_HOST is not set: test.sh starts Podman's API for the docker target's tests (see its log for why it did not answer).");

    public DockerClient Client { get; private set; } = default!;

    /// <summary>What an embedded Builder needs to build images on this engine and deploy with the docker target.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Builder:Sandbox:DockerEndpoint"] = Endpoint,
        ["Builder:Deploy:BaseImages:node"] = NodeImage,
        ["Builder:Deploy:ReadinessRetryDelay"] = "00:00:00.300",
    };

    EmbeddedBuilder? _builder;

    public EmbeddedBuilder Builder => _builder ??= EmbeddedBuilder.With(Settings);

    public async Task InitializeAsync()
    {
        await ConnectAsync();
        await ImportNodeImageAsync();
    }

    /// <summary>The engine alone, for a fixture that imports only the images it needs.</summary>
    public async Task ConnectAsync()
    {
        Client = new DockerClientConfiguration(new Uri(Endpoint)).CreateClient();
        await Client.System.PingAsync();
    }

    /// <summary>busybox for the shell, the host's node and make and the libraries they link: about 100 MB, imported in seconds.</summary>
    Task ImportNodeImageAsync() => ImportAsync(NodeImage, "latest", programs: ["/usr/bin/node", "/usr/bin/make"]);

    /// <summary>
    /// An image made from this machine's files, since no registry is reachable: busybox with its usual
    /// applets, the <paramref name="programs"/> (under /usr/bin, with every library they link) and
    /// <paramref name="files"/> (path → text; executable when it starts with #!).
    /// </summary>
    public async Task ImportAsync(string repository, string tag, IEnumerable<string>? programs = null, IReadOnlyDictionary<string, string>? files = null)
    {
        var root = Directory.CreateTempSubdirectory("builder-image-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "bin"));
            Directory.CreateDirectory(Path.Combine(root, "usr", "bin"));
            Directory.CreateDirectory(Path.Combine(root, "etc"));
            Directory.CreateDirectory(Path.Combine(root, "tmp"));
            File.Copy("/bin/busybox", Path.Combine(root, "bin", "busybox"));
            foreach (var applet in new[] { "sh", "cat", "ls", "env", "sleep", "echo", "grep", "head", "tail", "wget", "test", "mkdir", "rm", "cut", "tr", "dd", "sed", "wc", "printf" })
                File.CreateSymbolicLink(Path.Combine(root, "bin", applet), "/bin/busybox");
            foreach (var program in programs ?? [])
            {
                var real = new FileInfo(program).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? program;
                File.Copy(real, Path.Combine(root, "usr", "bin", Path.GetFileName(program)));
                foreach (var library in Output("ldd", real).Split('\n').SelectMany(l => l.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)).Where(w => w.StartsWith('/')).Distinct())
                {
                    var target = Path.Combine(root, library.TrimStart('/'));
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.Copy(new FileInfo(library).ResolveLinkTarget(true)?.FullName ?? library, target, overwrite: true);
                }
            }

            foreach (var (path, text) in files ?? new Dictionary<string, string>())
            {
                var target = Path.Combine(root, path.TrimStart('/'));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.WriteAllText(target, text);
                if (text.StartsWith("#!", StringComparison.Ordinal) && !OperatingSystem.IsWindows())
                    File.SetUnixFileMode(target, (UnixFileMode)0b111_101_101);
            }

            File.WriteAllText(Path.Combine(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n");
            File.WriteAllText(Path.Combine(root, "etc", "group"), "root:x:0:\nnobody:x:65534:\n");
            using var tar = new MemoryStream();
            await TarFile.CreateFromDirectoryAsync(root, tar, includeBaseDirectory: false);
            tar.Position = 0;
            await Client.Images.CreateImageAsync(new ImagesCreateParameters { FromSrc = "-", Repo = repository, Tag = tag }, tar, null, new Progress<JSONMessage>());
            // Podman's import names the image :latest whatever tag it is given.
            if (tag != "latest")
                await Client.Images.TagImageAsync($"{repository}:latest", new ImageTagParameters { RepositoryName = repository, Tag = tag });
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    static string Output(string file, string argument)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, [argument]) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    public async Task DisposeAsync()
    {
        _builder?.Dispose();
        Client?.Dispose();
        await Task.CompletedTask;
    }
}
