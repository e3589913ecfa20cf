using System.Diagnostics;
using Builder.Worker.Toolchains;
using Builder.Worker.Verification;

namespace Builder.Tests.Toolchains;

/// <summary>A throw-away folder holding a sample repository, with its own reports folder beside it.</summary>
public sealed class TempWorkspace : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("builder-toolchain-").FullName;

    public TempWorkspace() => Directory.CreateDirectory(Path);

    public string Path => System.IO.Path.Combine(root, "ws");

    /// <summary>Outside the workspace, as in a real run.</summary>
    public string Reports => System.IO.Path.Combine(root, "reports");

    public TempWorkspace With(string relativePath, string content)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return this;
    }

    /// <summary>Writes a report into the reports folder and returns its path.</summary>
    public string Report(string name, string content)
    {
        Directory.CreateDirectory(Reports);
        var path = System.IO.Path.Combine(Reports, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a runner may still hold a file for a moment.
        }
    }
}

/// <summary>What running a repository's three commands produced.</summary>
public sealed record ToolchainRunResult(ToolchainCommands Commands, int? RestoreExit, int? BuildExit, int TestExit, string Output, IReadOnlyList<TestCaseResult> Results)
{
    /// <summary>The ids found, sorted and joined, to compare with <see cref="Ids(string[])"/>.</summary>
    public string Ids() => Ids([.. Results.Select(r => r.Id)]);

    public static string Ids(params string[] ids) => string.Join(" | ", ids.Order(StringComparer.Ordinal));

    public TestCaseResult Test(string id) =>
        Results.SingleOrDefault(r => r.Id == id) ?? throw new ShouldAssertException($"no result '{id}' among: {string.Join(" | ", Results.Select(r => r.Id))}\n{Output}");
}

/// <summary>
/// Runs detected commands the plain way, `bash -c` in the workspace with the reports folder set (the
/// sandbox is not under test here), and parses the results.
/// </summary>
public static class ToolchainRunner
{
    /// <summary>Package caches shared by these tests across runs, so only the first run downloads.</summary>
    static readonly string CacheRoot = Path.Combine(Path.GetTempPath(), "builder-toolchain-tests-cache");

    public static async Task<ToolchainRunResult> RunAsync(TempWorkspace workspace, ToolchainCommands commands, TimeSpan? timeout = null)
    {
        Directory.CreateDirectory(workspace.Reports);
        var environment = commands.EnvironmentFor(workspace.Reports, CacheRoot);
        var output = new System.Text.StringBuilder();
        int? restore = null, build = null;
        if (commands.Restore is not null)
            restore = await RunAsync(commands.Restore, workspace.Path, environment, output, timeout);
        if (commands.Build is not null && restore is null or 0)
            build = await RunAsync(commands.Build, workspace.Path, environment, output, timeout);
        if (restore is not (null or 0) || build is not (null or 0))
            throw new ShouldAssertException($"restore or build failed:\n{output}");

        commands.Test.ShouldNotBeNull();
        var test = await RunAsync(commands.Test, workspace.Path, environment, output, timeout);
        var results = CommandDetector.ReadResults(commands, workspace.Reports, workspace.Path, test);
        return new ToolchainRunResult(commands, restore, build, test, output.ToString(), results);
    }

    static async Task<int> RunAsync(string command, string directory, IReadOnlyDictionary<string, string> environment, System.Text.StringBuilder output, TimeSpan? timeout)
    {
        var start = new ProcessStartInfo("bash", ["-c", command])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        // Packages already in the shared cache are not looked up again.
        start.Environment["npm_config_prefer_offline"] = "true";

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new ShouldAssertException($"timed out: {command}\n{output}");
        }

        output.Append("$ ").AppendLine(command).Append(await stdout).Append(await stderr);
        return process.ExitCode;
    }
}
