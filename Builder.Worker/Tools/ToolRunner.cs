using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Builder.Core;
using Builder.Core.Policy;
using Builder.Worker.Environments;
using Builder.Worker.Sandbox;
using Builder.Worker.Sandbox.Docker;
using Json.Schema;
using Microsoft.Extensions.Options;

namespace Builder.Worker.Tools;

/// <summary>How one execution ended: succeeded, failed (non-zero exit or output that is not JSON), timed-out, or invalid-input.</summary>
public sealed record ToolRun(string Status, JsonNode? Output, string Logs, int? ExitCode, TimeSpan Duration, string? Image, IReadOnlyList<string> InputErrors);

/// <summary>
/// Runs a tool: its input checked against the manifest's schema, then the entry point in a sandbox,
/// reading the input as JSON on stdin and writing its output to stdout, with what it prints on stderr
/// kept as its log. With an engine, in an image built like an environment (its runtime and packages,
/// reused by hash); without one, in the worker's sandbox with the worker's interpreter. A tool a
/// repository carries runs the same way in the run's workspace, read-only and offline.
/// </summary>
public sealed class ToolRunner(
    EnvironmentImages images, ISandbox sandbox, DockerSandbox containers, WorkerRuntimes runtimes, IOptions<BuilderOptions> options)
{
    /// <summary>An output is an answer to read, not a bulk transfer; beyond this the execution fails.</summary>
    public const int MaxOutputBytes = 1024 * 1024;

    /// <summary>The schema's complaints about <paramref name="input"/>, empty when it conforms.</summary>
    public static IReadOnlyList<string> Check(ToolManifest tool, JsonElement input)
    {
        var schema = JsonSchema.FromText(tool.InputSchema.ToJsonString());
        var result = schema.Evaluate(input, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
            return [];
        return (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{(d.InstanceLocation.ToString() is { Length: > 0 } at ? at : "/")}: {e.Value}"))
            .Distinct().ToList();
    }

    /// <summary>The tag the tool's image has once built.</summary>
    public string ImageOf(ToolManifest tool) =>
        EnvironmentDockerfile.Tag(EnvironmentDockerfile.For(Environment(tool), images.Options), [], tool.Folder);

    /// <summary>The tool's image: built once per manifest hash, like an environment.</summary>
    public Task<EnvironmentImage> BuildAsync(ToolManifest tool, CancellationToken cancellationToken) =>
        images.EnsureAsync(Environment(tool), tool.Folder, cancellationToken);

    public Task<ToolRun> RunAsync(ToolManifest tool, JsonElement input, CancellationToken cancellationToken) =>
        RunAsync(tool, input, repositoryWorkspace: null, cancellationToken);

    /// <param name="repositoryWorkspace">
    /// For a tool the repository carries: the run's workspace, mounted read-only as the tool's working
    /// directory so a linter or checker reads the code. Such a tool is untrusted and never has network.
    /// </param>
    public async Task<ToolRun> RunAsync(ToolManifest tool, JsonElement input, string? repositoryWorkspace, CancellationToken cancellationToken)
    {
        if (Check(tool, input) is { Count: > 0 } problems)
            return new ToolRun("invalid-input", null, "", null, TimeSpan.Zero, null, problems);

        var stopwatch = Stopwatch.StartNew();
        var network = repositoryWorkspace is null && tool.Network.Count > 0;
        var notice = repositoryWorkspace is not null && tool.Network.Count > 0
            ? $"[builder] {tool.Name} asks to reach {string.Join(", ", tool.Network)}; a repository's tools run without network\n"
            : "";
        var work = Directory.CreateDirectory(Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "tool-runs", Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(work, "input.json"), input.GetRawText(), cancellationToken);
            string? image = null;
            var runner = sandbox;
            if (await images.EngineProblemAsync(cancellationToken) is not { } noEngine)
            {
                image = (await BuildAsync(tool, cancellationToken)).Tag;
                runner = containers;
            }
            else if (tool.Version is { } version && await runtimes.MatchingAsync(new RuntimeVersion(tool.Runtime, version), cancellationToken) is null)
            {
                return new ToolRun("failed", null, $"{notice}[builder] the tool needs {tool.Runtime} {version}, which this worker does not have, and its image cannot be built: {noEngine}",
                    null, stopwatch.Elapsed, null, []);
            }

            // The input and output stay in the run's own folder: a repository's workspace is read-only to its tools.
            var command = $"{tool.Interpreter} {Quote(Path.Combine(tool.Folder, tool.Entry))} < {Quote(Path.Combine(work, "input.json"))} > {Quote(Path.Combine(work, "output.json"))}";
            var result = await runner.RunAsync(new SandboxRequest(repositoryWorkspace is null ? command : $"cd {Quote(repositoryWorkspace)} && {command}", work)
            {
                Image = image,
                Network = network,
                Egress = network ? new EgressPolicy(tool.Network) : null,
                // A repository's tool lives in the workspace it reads.
                ReadOnlyBinds = [repositoryWorkspace ?? tool.Folder],
                Timeout = tool.Timeout,
                MemoryBytes = tool.MemoryBytes,
                MaxProcesses = 64,
                Environment = new Dictionary<string, string?> { ["BUILDER_TOOL"] = tool.Name },
            }, cancellationToken);

            var logs = notice + result.Output;
            var outputPath = Path.Combine(work, "output.json");
            if (File.Exists(outputPath) && new FileInfo(outputPath).Length > MaxOutputBytes)
                return new ToolRun("failed", null, logs + $"\n[builder] the tool's output is larger than {MaxOutputBytes / 1024} KiB", result.ExitCode,
                    stopwatch.Elapsed, image, []);
            var text = File.Exists(outputPath) ? await File.ReadAllTextAsync(outputPath, cancellationToken) : "";
            if (result.LimitHit == "timeout")
                return new ToolRun("timed-out", null, logs, null, stopwatch.Elapsed, image, []);
            if (!result.Succeeded)
                return new ToolRun("failed", null, logs, result.ExitCode, stopwatch.Elapsed, image, []);
            try
            {
                return new ToolRun("succeeded", JsonNode.Parse(text), logs, 0, stopwatch.Elapsed, image, []);
            }
            catch (JsonException)
            {
                return new ToolRun("failed", JsonValue.Create(text), logs + "\n[builder] the tool's output is not JSON", 0, stopwatch.Elapsed, image, []);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    static string Quote(string path) => $"'{path.Replace("'", "'\\''")}'";

    static EnvironmentManifest Environment(ToolManifest tool) => new()
    {
        Runtimes = tool.Version is { } version ? [new RuntimeVersion(tool.Runtime, version)] : [],
        Packages = tool.Packages.Order(StringComparer.Ordinal).ToList(),
    };
}
