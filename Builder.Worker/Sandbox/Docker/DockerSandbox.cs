using Builder.Worker.Execution;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;

namespace Builder.Worker.Sandbox.Docker;

/// <summary>
/// Runs each request in a container of its own (<see cref="DockerContainerSpec"/>): attached
/// before it starts so no output is lost, waited for with the request's timeout, killed on
/// timeout or cancellation, and removed afterwards.
/// </summary>
public sealed class DockerSandbox(IOptions<SandboxOptions> options, ILogger<DockerSandbox> logger) : ISandbox, IDisposable
{
    public const string ProcessLimitNotice = "docker: a process-count limit hit is not reported, only its fork errors in the output";

    readonly Lazy<DockerClient> _client = new(() => new DockerEngine(options.Value).CreateClient());

    public string Name => "docker";

    public async Task<SandboxResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken, Action<string>? onLine = null)
    {
        var settings = options.Value;
        request = settings.Clamp(request);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var output = new OutputBuffer(request.MaxOutputChars);
        var killedForMemory = false;
        var id = await CreateAsync(DockerContainerSpec.For(request, settings), cancellationToken);
        try
        {
            using var stream = await Client.Containers.AttachContainerAsync(id, tty: false,
                new ContainerAttachParameters { Stream = true, Stdout = true, Stderr = true }, cancellationToken);
            var reading = ReadAsync(stream, Receive);
            await Client.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken);

            string? limit = null;
            using var timeout = new CancellationTokenSource(request.Timeout);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                await Client.Containers.WaitContainerAsync(id, linked.Token);
            }
            catch (OperationCanceledException)
            {
                await KillAsync(id);
                if (!timeout.IsCancellationRequested)
                    throw;
                limit = "timeout";
            }

            await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None));
            var state = (await Client.Containers.InspectContainerAsync(id, CancellationToken.None)).State;
            if (limit is null && (state.OOMKilled || killedForMemory))
                limit = "memory";
            if (limit == "timeout")
                Receive($"[builder] command timed out after {request.Timeout} and was killed with its container");
            else if (limit == "memory")
                Receive($"[builder] stopped: the command used more than its memory limit of {request.MemoryBytes / (1024 * 1024)} MiB");

            return new SandboxResult(limit == "timeout" ? -1 : (int)state.ExitCode, output.ToString(), stopwatch.Elapsed)
            {
                LimitHit = limit,
                Notices = [ProcessLimitNotice],
            };
        }
        finally
        {
            await RemoveAsync(id);
        }

        void Receive(string line)
        {
            if (line.StartsWith(DockerContainerSpec.OutOfMemoryMarker, StringComparison.Ordinal))
            {
                killedForMemory = true;
                return;
            }

            output.Append(line);
            onLine?.Invoke(line);
        }
    }

    DockerClient Client => _client.Value;

    async Task<string> CreateAsync(CreateContainerParameters parameters, CancellationToken cancellationToken)
    {
        try
        {
            return (await Client.Containers.CreateContainerAsync(parameters, cancellationToken)).ID;
        }
        catch (DockerImageNotFoundException)
        {
            logger.LogInformation("Pulling the sandbox image {Image}", parameters.Image);
            await Client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = parameters.Image }, null,
                new Progress<JSONMessage>(), cancellationToken);
            return (await Client.Containers.CreateContainerAsync(parameters, cancellationToken)).ID;
        }
    }

    static async Task ReadAsync(MultiplexedStream stream, Action<string> onLine)
    {
        var buffer = new byte[16 * 1024];
        var lines = new Dictionary<MultiplexedStream.TargetStream, LineAssembler>();
        try
        {
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, CancellationToken.None);
                if (read.EOF)
                    break;
                if (!lines.TryGetValue(read.Target, out var assembler))
                    lines[read.Target] = assembler = new LineAssembler(onLine);
                assembler.Add(buffer.AsSpan(0, read.Count));
            }
        }
        catch (IOException)
        {
            // The engine closed the attach stream as the container went away.
        }

        foreach (var assembler in lines.Values)
            assembler.Flush();
    }

    async Task KillAsync(string id)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await Client.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "KILL" }, timeout.Token);
        }
        catch (Exception ex) when (ex is DockerApiException or OperationCanceledException or HttpRequestException)
        {
            logger.LogDebug(ex, "Container {Id} could not be killed (it may have exited)", id);
        }
    }

    async Task RemoveAsync(string id)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await Client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, timeout.Token);
        }
        catch (Exception ex) when (ex is DockerApiException or OperationCanceledException or HttpRequestException)
        {
            logger.LogWarning(ex, "Sandbox container {Id} could not be removed; it carries the label {Label}", id, DockerContainerSpec.Label);
        }
    }

    public void Dispose()
    {
        if (_client.IsValueCreated)
            _client.Value.Dispose();
    }
}
