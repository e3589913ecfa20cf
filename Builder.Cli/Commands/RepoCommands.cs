using System.CommandLine;
using Builder.Cli.Output;
using Spectre.Console;

namespace Builder.Cli.Commands;

/// <summary>`builder repo add|list`: the git repositories runs are made on.</summary>
public static class RepoCommands
{
    public static Command Create() => new("repo", "Register and list git repositories.") { Add(), List() };

    static Command Add()
    {
        var name = new Argument<string>("name") { Description = "A name for the repository, unique in your tenant." };
        var url = new Argument<string>("url") { Description = "Where git can read it: an absolute local path, file:///path or https://host/owner/repo.git." };
        var branch = new Option<string?>("--default-branch") { Description = "The branch runs target by default; default: what the remote's HEAD names." };
        var token = new Option<string?>("--token") { Description = "An access token for a private https remote (stored encrypted, never shown again)." };
        var tokenEnv = new Option<string?>("--token-env") { Description = "The name of an environment variable holding the access token (keeps it out of the process list)." };
        var build = new Option<string?>("--build-command") { Description = "Replaces the detected build command." };
        var test = new Option<string?>("--test-command") { Description = "Replaces the detected test command." };
        var reviews = new Option<int?>("--required-reviews") { Description = "Approving reviews from agents other than the author that open the release gate (0-20)." };
        var command = new Command("add", "Register a git repository; Builder reads it once to check the URL (and token) work.")
        {
            name, url, branch, token, tokenEnv, build, test, reviews,
        };
        command.Handle(async cli =>
        {
            var secret = cli.Get(token);
            if (cli.Get(tokenEnv) is { } variable)
                secret = Environment.GetEnvironmentVariable(variable) ?? throw new CliException($"The environment variable {variable} is not set.");
            var location = cli.Get(url)!;
            // A relative local path means the caller's folder, not the server's.
            if (!location.Contains("://", StringComparison.Ordinal) && !Path.IsPathRooted(location) && Directory.Exists(location))
                location = Path.GetFullPath(location);
            var created = await cli.Client.PostAsync("api/repositories", new
            {
                name = cli.Get(name),
                url = location,
                defaultBranch = cli.Get(branch),
                credentials = secret is null ? null : new { token = secret },
                settings = new { buildCommand = cli.Get(build), testCommand = cli.Get(test), requiredReviews = cli.Get(reviews) },
            }, cli.CancellationToken);
            if (cli.Json)
                cli.Terminal.WriteJson(created);
            else
                cli.Terminal.Line($"Registered [bold]{Views.E(created["name"])}[/] ({Views.E(created["id"])}), default branch {Views.E(created["defaultBranch"])}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    static Command List()
    {
        var command = new Command("list", "List the repositories registered in your tenant.");
        command.Handle(async cli =>
        {
            var repositories = await cli.Client.GetAsync("api/repositories", cli.CancellationToken);
            if (cli.Json)
                cli.Terminal.WriteJson(repositories);
            else
                Views.Repositories(cli.Terminal.Out, repositories.AsArray());
            return ExitCodes.Ok;
        });
        return command;
    }
}
