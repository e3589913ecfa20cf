using System.Security.Cryptography;
using System.Text;
using Builder.Worker.Pipeline;
using Builder.Worker.Sandbox;
using Builder.Worker.Toolchains;
using Builder.Worker.Verification;

namespace Builder.Worker.Phases.Verify;

/// <summary>One suite's outcome: per-test results, the test command's result, or why it could not run.</summary>
public sealed record SuiteRun(IReadOnlyList<TestCaseResult> Results, SandboxResult? Test, string? BuildFailure)
{
    /// <summary>The results came from the base-results cache; no suite ran.</summary>
    public bool FromCache { get; init; }

    /// <summary>The test command failed and reported no test at all: the runner aborted (process.exit, a crashed host).</summary>
    public bool Aborted => BuildFailure is null && Test is { Succeeded: false } && Results.Count == 0;
}

/// <summary>
/// Restores, builds and tests one workspace in the sandbox and reads its per-test results. The change's
/// own workspace skips restore and build when the Build phase already built it in this state.
/// </summary>
public sealed class TestSuites(StepRunner steps, PhaseServices services)
{
    /// <summary>What a build depends on besides the workspace's content: the restore and build commands and their environment.</summary>
    public static string BuildFingerprint(ToolchainCommands commands)
    {
        var text = new StringBuilder().Append(commands.Restore).Append('\n').Append(commands.Build).Append('\n');
        foreach (var (key, value) in commands.Environment.OrderBy(e => e.Key, StringComparer.Ordinal))
            text.Append(key).Append('=').Append(value).Append('\n');
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <param name="builtBy">The feature whose Build phase may have built this workspace already (the change's own workspace only).</param>
    public async Task<SuiteRun> RunAsync(PhaseRun run, string workspace, string label, string logName, Guid? builtBy = null)
    {
        var commands = CommandDetector.Detect(workspace, run.Repository.Settings);
        var reports = workspace + ".reports";
        if (Directory.Exists(reports))
            Directory.Delete(reports, recursive: true);
        var log = new StepRunner.Log(run, logName);
        var tag = $" ({label})";

        if (builtBy is { } featureId && await services.Workspaces.IsBuiltAsync(featureId, BuildFingerprint(commands), run.CancellationToken))
        {
            await log.AppendAsync("[builder] restore and build: done by the Build phase for this exact change; not repeated.\n\n");
        }
        else
        {
            foreach (var step in new[] { Step.Restore, Step.Build })
            {
                if (await steps.RunAsync(run, workspace, commands, step, reports, log, tag) is { Succeeded: false } failed)
                    return new SuiteRun([], null, $"The {step.ToString().ToLowerInvariant()} of the {label} failed ({StepRunner.Describe(failed)}).\n{failed.Tail()}");
            }
        }

        var started = DateTime.UtcNow;
        var test = await steps.RunAsync(run, workspace, commands, Step.Test, reports, log, tag);
        RemoveSymlinks(reports);
        var results = test is null ? [] : CommandDetector.ReadResults(commands, reports, workspace, test.ExitCode, started);
        return new SuiteRun(results, test, null);
    }

    /// <summary>The reports folder was writable by the tests: a link planted there must not make the worker read a host file.</summary>
    static void RemoveSymlinks(string folder)
    {
        if (!Directory.Exists(folder))
            return;
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
            if (entry.LinkTarget is not null)
                entry.Delete();
    }
}
