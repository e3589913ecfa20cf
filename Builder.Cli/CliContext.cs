using System.CommandLine;
using Builder.Cli.Api;
using Builder.Cli.Config;
using Builder.Cli.Output;

namespace Builder.Cli;

/// <summary>The options every command accepts, and what one invocation needs: its output and its API client.</summary>
public sealed class CliContext(ParseResult parse, CancellationToken cancellationToken)
{
    public static readonly Option<bool> JsonOption = new("--json")
    {
        Description = "Write the result as JSON on stdout (and nothing else); errors as problem JSON on stderr.",
        Recursive = true,
    };

    public static readonly Option<string?> UrlOption = new("--url")
    {
        Description = $"The Builder API's URL; overrides ${CliConfig.UrlVariable} and the stored login.",
        Recursive = true,
    };

    public static readonly Option<string?> KeyOption = new("--key")
    {
        Description = $"The API key; overrides ${CliConfig.KeyVariable} and the stored login.",
        Recursive = true,
    };

    BuilderClient? _client;

    public ParseResult Parse { get; } = parse;
    public CancellationToken CancellationToken { get; } = cancellationToken;
    public Terminal Terminal { get; } = new(parse.GetValue(JsonOption));
    public bool Json => Terminal.Json;

    public T? Get<T>(Option<T> option) => Parse.GetValue(option);

    public T? Get<T>(Argument<T> argument) => Parse.GetValue(argument);

    public BuilderClient Client
    {
        get
        {
            if (_client is null)
            {
                var settings = CliConfig.Resolve(Get(UrlOption), Get(KeyOption));
                _client = new BuilderClient(settings.Url, settings.Key);
            }

            return _client;
        }
    }

    public void DisposeClient() => _client?.Dispose();
}
