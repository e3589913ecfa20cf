using System.CommandLine;
using System.Text.Json.Nodes;
using Builder.Cli.Api;
using Builder.Cli.Config;
using Builder.Cli.Output;
using Spectre.Console;

namespace Builder.Cli.Commands;

/// <summary>`builder login`: checks a URL and key against the API, then stores them in the user's config.</summary>
public static class LoginCommand
{
    public static Command Create()
    {
        var noVerify = new Option<bool>("--no-verify") { Description = "Store the URL and key without asking the API whether they work." };
        var command = new Command("login",
            $"Store the Builder URL and API key in {CliConfig.Path} (readable by you only). Takes --url and --key, else " +
            $"${CliConfig.UrlVariable} and ${CliConfig.KeyVariable}, else asks (or reads the key from stdin when it is not a terminal).")
        {
            noVerify,
        };
        command.Handle(async cli =>
        {
            var url = Pick(cli.Get(CliContext.UrlOption), CliConfig.UrlVariable) ?? Ask(cli, "Builder URL:", secret: false);
            var key = Pick(cli.Get(CliContext.KeyOption), CliConfig.KeyVariable) ?? Ask(cli, "API key:", secret: true);
            var settings = new CliSettings(url.TrimEnd('/'), key);

            JsonNode? me = null;
            if (!cli.Get(noVerify))
            {
                using var client = new BuilderClient(settings.Url, settings.Key);
                me = await client.GetAsync("api/me", cli.CancellationToken);
            }

            CliConfig.Save(settings);
            if (cli.Json)
            {
                cli.Terminal.WriteJson(new JsonObject
                {
                    ["url"] = settings.Url, ["config"] = CliConfig.Path, ["tenant"] = me?["tenantName"]?.DeepClone(),
                    ["actor"] = me?["actor"]?.DeepClone(), ["scopes"] = me?["scopes"]?.DeepClone(),
                });
                return ExitCodes.Ok;
            }

            cli.Terminal.Line(me is null
                ? $"Stored {PlainText.Escape(settings.Url)} (not verified) in {PlainText.Escape(CliConfig.Path)}."
                : $"Logged in to {PlainText.Escape(settings.Url)} as [bold]{Views.E(me["actor"])}[/] in tenant {Views.E(me["tenantName"])} " +
                  $"(scopes: {PlainText.Escape(string.Join(", ", me["scopes"]!.AsArray().Select(Views.Text)))}). Stored in {PlainText.Escape(CliConfig.Path)}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    static string? Pick(string? option, string variable) =>
        !string.IsNullOrWhiteSpace(option) ? option.Trim()
        : Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value.Trim()
        : null;

    static string Ask(CliContext cli, string question, bool secret)
    {
        if (Console.IsInputRedirected)
        {
            // `echo $KEY | builder login --url ...`: the key never appears in the process list.
            var line = Console.In.ReadLine()?.Trim();
            return string.IsNullOrEmpty(line) ? throw new CliException($"{question.TrimEnd(':')} is required: pass it as an option or on stdin.") : line;
        }

        var prompt = new TextPrompt<string>(question);
        if (secret)
            prompt.Secret();
        return cli.Terminal.Error.Prompt(prompt).Trim();
    }
}
