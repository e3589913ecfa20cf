using System.Diagnostics;
using System.Text.Json.Nodes;
using Builder.Tests.Mcp;

namespace Builder.Tests.Cli;

public sealed record CliResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Stdout as the one JSON document --json promises.</summary>
    public JsonNode Json() => JsonNode.Parse(Stdout) ?? throw new InvalidOperationException($"{Command} printed null");

    public override string ToString() => $"`builder {Command}` exited {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// Runs the CLI as a user would: `dotnet Builder.Cli.dll ...` as a process of its own, with a HOME of
/// the test's (so its config file is the test's) and only the environment the test gives it.
/// </summary>
public sealed class CliProcess : IDisposable
{
    public string Home { get; } = Directory.CreateTempSubdirectory("builder-cli-home-").FullName;

    public Dictionary<string, string> Environment { get; } = [];

    public string ConfigPath => Path.Combine(Home, ".config", "builder", "config.json");

    static string Dll()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var dll = Path.Combine(NodeModules.RepositoryRoot(), "Builder.Cli", "bin", configuration, "net10.0", "Builder.Cli.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} is missing: build the solution first.");
    }

    public static CliProcess LoggedInTo(RunningApi api, string? key = null)
    {
        var cli = new CliProcess();
        cli.Environment["BUILDER_URL"] = api.Url.ToString();
        cli.Environment["BUILDER_KEY"] = key ?? RunningApi.AdminKey;
        return cli;
    }

    public async Task<CliResult> RunAsync(params string[] arguments) => await RunInAsync(null, arguments);

    public async Task<CliResult> RunInAsync(string? workingDirectory, params string[] arguments)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? Home,
        };
        psi.ArgumentList.Add(Dll());
        foreach (var argument in arguments)
            psi.ArgumentList.Add(argument);
        foreach (var name in new[] { "BUILDER_URL", "BUILDER_KEY", "XDG_CONFIG_HOME" })
            psi.Environment.Remove(name);
        psi.Environment["HOME"] = Home;
        psi.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in Environment)
            psi.Environment[name] = value;

        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`builder {string.Join(' ', arguments)}` did not finish: {await stdout}\n{await stderr}");
        }

        return new CliResult(string.Join(' ', arguments), process.ExitCode, await stdout, await stderr);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
