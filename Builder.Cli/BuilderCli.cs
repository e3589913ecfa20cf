using System.CommandLine;
using Builder.Cli.Api;
using Builder.Cli.Commands;

namespace Builder.Cli;

/// <summary>The `builder` command tree, and how a command's failure becomes stderr and an exit code.</summary>
public static class BuilderCli
{
    public static Command Create()
    {
        // A plain command named "builder" rather than RootCommand, which takes its name from the executable (Builder.Cli under `dotnet`).
        var root = new Command("builder",
            "Drive Builder from a terminal or a script: register repositories, submit feature runs and watch them, decide at their gates, " +
            "prepare changes as tasks. Exit codes: 0 success, 1 error (the API's problem detail is on stderr), 3 the run ended other than " +
            "Completed (or a dry run would not apply).");
        root.Options.Add(new System.CommandLine.Help.HelpOption());
        root.Options.Add(new VersionOption());
        root.Options.Add(CliContext.JsonOption);
        root.Options.Add(CliContext.UrlOption);
        root.Options.Add(CliContext.KeyOption);
        root.Subcommands.Add(LoginCommand.Create());
        root.Subcommands.Add(RepoCommands.Create());
        root.Subcommands.Add(FeatureCommands.Create());
        root.Subcommands.Add(TaskCommands.Create());
        root.Subcommands.Add(ServiceCommands.Create());
        root.Subcommands.Add(StatusCommands.Status());
        root.Subcommands.Add(StatusCommands.Insights());
        return root;
    }

    public static Task<int> RunAsync(string[] args) => Create().Parse(args).InvokeAsync();

    /// <summary>Runs a command's body with its context, mapping failures to stderr and an exit code.</summary>
    public static void Handle(this Command command, Func<CliContext, Task<int>> body) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = new CliContext(parse, cancellationToken);
            try
            {
                return await body(context);
            }
            catch (ApiException ex)
            {
                context.Terminal.Problem(ex);
                return ExitCodes.Error;
            }
            catch (CliException ex)
            {
                context.Terminal.Fail(ex.Message);
                return ex.ExitCode;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Interrupted;
            }
            finally
            {
                context.DisposeClient();
            }
        });
}
