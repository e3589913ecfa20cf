using Builder.Core.Artifacts;
using Builder.Worker.Execution;
using Builder.Worker.Pipeline;

namespace Builder.Worker.Phases;

/// <summary>Runs a build or test command of the plan in the run's workspace, streaming and storing its log.</summary>
public static class CommandPhase
{
    public static async Task<CommandResult> RunAsync(PhaseServices services, PhaseRun run, string baseCommit, string command, string logName)
    {
        var change = await run.LoadAsync(ArtifactNames.Change);
        var workspace = await services.Workspaces.PrepareAsync(run.Repository, run.Feature.Id, baseCommit, change, run.CancellationToken);

        var log = run.OpenLog(logName);
        log.Line($"$ {command}");
        var spec = CommandSpec.Shell(command, workspace) with
        {
            Timeout = services.Options.Worker.CommandTimeout,
            Environment = new Dictionary<string, string?>
            {
                ["CI"] = "true",
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_NOLOGO"] = "1",
                ["BUILDER_FEATURE_ID"] = run.Feature.Id.ToString(),
            },
        };

        CommandResult result;
        try
        {
            result = await services.Runner.RunAsync(spec, run.CancellationToken, log.Line);
        }
        finally
        {
            await log.FlushAsync();
        }

        await run.StoreTextAsync(logName, $"$ {command}\n{result.Output}\n[builder] exit code {result.ExitCode} after {result.Duration.TotalSeconds:F1} s\n");
        return result;
    }
}
