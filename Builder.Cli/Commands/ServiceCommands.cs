using System.CommandLine;
using System.Text.Json.Nodes;
using Builder.Cli.Output;

namespace Builder.Cli.Commands;

/// <summary>`builder service ...` and `builder feature rollback`: what runs deployed, and taking a live version back.</summary>
public static class ServiceCommands
{
    public static Command Create() => new("service", "List deployed services and roll a live version back.") { List(), Rollback() };

    static Command List()
    {
        var command = new Command("list", "List your tenant's deployed services with their stable address and live version.");
        command.Handle(async cli =>
        {
            var services = await cli.Client.GetAsync("api/services", cli.CancellationToken);
            if (cli.Json)
            {
                cli.Terminal.WriteJson(services);
                return ExitCodes.Ok;
            }

            foreach (var service in services.AsArray())
            {
                var live = service!["live"];
                cli.Terminal.Line($"{PlainText.Escape((string?)service["name"])}  {PlainText.Escape((string?)service["stableUrl"])}  " +
                                  (live is null ? "not deployed" : $"version {live["number"]} ({PlainText.Escape((string?)live["state"])})"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    static Command Rollback()
    {
        var name = new Argument<string>("name") { Description = "The service's name, as its builder.yaml declares it." };
        var reason = Reason();
        var command = new Command("rollback", "Give the service's stable address back to the version its live one replaced.") { name, reason };
        command.Handle(async cli =>
        {
            var result = await cli.Client.PostAsync($"api/services/{Uri.EscapeDataString(cli.Get(name)!)}/rollback", new { reason = cli.Get(reason) },
                cli.CancellationToken);
            return Print(cli, result);
        });
        return command;
    }

    /// <summary>`builder feature rollback ID`: roll back the version that run deployed.</summary>
    public static Command FeatureRollback()
    {
        var id = Arguments.FeatureId();
        var reason = Reason();
        var command = new Command("rollback", "Roll back the service version this run deployed, to the version it replaced.") { id, reason };
        command.Handle(async cli =>
        {
            var featureId = await Arguments.ResolveFeatureAsync(cli.Client, cli.Get(id)!, cli.CancellationToken);
            var result = await cli.Client.PostAsync($"api/features/{featureId}/rollback", new { reason = cli.Get(reason) }, cli.CancellationToken);
            return Print(cli, result);
        });
        return command;
    }

    static Option<string?> Reason() => new("--reason") { Description = "Why; recorded in the audit log and the run's events." };

    static int Print(CliContext cli, JsonNode result)
    {
        if (cli.Json)
            cli.Terminal.WriteJson(result);
        else if ((string?)result["status"] == "rolled-back")
            cli.Terminal.Line($"{PlainText.Escape((string?)result["service"])}: version {result["from"]} was already rolled back; version {result["to"]} serves.");
        else
            cli.Terminal.Line($"{PlainText.Escape((string?)result["service"])}: rolling back from version {result["from"]} to version {result["to"]} " +
                              $"at {PlainText.Escape((string?)result["stableUrl"])}.");
        return ExitCodes.Ok;
    }
}
