using Builder.Worker.Execution;
using Builder.Worker.Sandbox;
using Builder.Worker.Sandbox.Bubblewrap;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Builder.Tests.Sandbox;

static class SandboxFactory
{
    public static CommandRunner Runner() => new(NullLogger<CommandRunner>.Instance);

    public static BubblewrapSandbox Bubblewrap(SandboxOptions? options = null) =>
        new(Runner(), Options.Create(options ?? new SandboxOptions()), NullLogger<BubblewrapSandbox>.Instance);

    public static SandboxSelector Selector(SandboxOptions options) =>
        new(Options.Create(options), Runner(), NullLoggerFactory.Instance);

    /// <summary>Options under which neither bubblewrap nor a Docker engine can be found.</summary>
    public static SandboxOptions NothingAvailable(bool allowUnsafeProcess = false) => new()
    {
        BubblewrapPath = "/nonexistent/bwrap",
        DockerEndpoint = "unix:///nonexistent/docker.sock",
        AllowUnsafeProcess = allowUnsafeProcess,
    };

    /// <summary>Processes whose command line contains <paramref name="marker"/>.</summary>
    public static List<int> ProcessesWith(string marker)
    {
        var found = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid))
                continue;
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(marker, StringComparison.Ordinal))
                    found.Add(pid);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    public static int ProcessCount() => Directory.EnumerateDirectories("/proc").Count(d => int.TryParse(Path.GetFileName(d), out _));
}
