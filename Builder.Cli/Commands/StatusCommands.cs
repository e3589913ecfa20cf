using System.CommandLine;
using Builder.Cli.Output;

namespace Builder.Cli.Commands;

/// <summary>`builder status` and `builder insights`: the system now, and what its recent runs say.</summary>
public static class StatusCommands
{
    public static Command Status()
    {
        var command = new Command("status", "Components' health, your runs by state, the queue depth and the active workers.");
        command.Handle(async cli =>
        {
            var status = await cli.Client.GetAsync("api/status", cli.CancellationToken);
            if (cli.Json)
                cli.Terminal.WriteJson(status);
            else
                Views.Status(cli.Terminal.Out, status, cli.Client.BaseUrl);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Insights()
    {
        var hours = new Option<double?>("--hours") { Description = "How far back to look, in hours (default 24, at most 2160)." };
        var command = new Command("insights", "Run outcomes and success rate, phase durations (p50/p95), top failure reasons and model usage.") { hours };
        command.Handle(async cli =>
        {
            var insights = await cli.Client.GetAsync($"api/insights?{Arguments.Query(("timeRangeHours", cli.Get(hours)))}", cli.CancellationToken);
            if (cli.Json)
                cli.Terminal.WriteJson(insights);
            else
                Views.Insights(cli.Terminal.Out, insights);
            return ExitCodes.Ok;
        });
        return command;
    }
}
