using Builder.Core;
using Builder.Core.Execution;
using Microsoft.Extensions.Options;

namespace Builder.Core.SourceControl;

/// <summary>A git failure; its message never contains credentials (they travel in environment variables, not URLs).</summary>
public sealed class GitException(string message, bool transient) : Exception(message)
{
    public bool Transient { get; } = transient;
}

/// <summary>
/// Runs the git CLI. Credentials for https remotes are passed as an http.extraHeader through
/// GIT_CONFIG_* environment variables, so they appear in no command line, URL, or config file.
/// </summary>
public sealed class Git(CommandRunner runner, IOptions<BuilderOptions> options)
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    public async Task<string> RunAsync(string workingDirectory, IReadOnlyList<string> arguments, CancellationToken cancellationToken,
        string? token = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var env = new Dictionary<string, string?>
        {
            ["GIT_TERMINAL_PROMPT"] = "0",
            ["GIT_ASKPASS"] = "true",
            ["LC_ALL"] = "C",
            ["GIT_CONFIG_NOSYSTEM"] = "1",
        };
        var configCount = 0;
        void Config(string key, string value)
        {
            env[$"GIT_CONFIG_KEY_{configCount}"] = key;
            env[$"GIT_CONFIG_VALUE_{configCount}"] = value;
            env["GIT_CONFIG_COUNT"] = (++configCount).ToString();
        }

        Config("gc.auto", "0");
        Config("core.hooksPath", "/dev/null");
        Config("protocol.file.allow", "always");
        // Workspaces belong to the sandbox user after a command ran there. Their .git file is bound
        // read-only in the sandbox, so the repository git opens is still the worker's own.
        Config("safe.directory", "*");
        Config("core.fsmonitor", "false");
        foreach (var rewrite in options.Value.Git.UrlRewrites)
            Config($"url.{rewrite.ReplaceWith}.insteadOf", rewrite.Prefix);
        if (token is not null)
        {
            var basic = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"x-access-token:{token}"));
            Config("http.extraHeader", $"Authorization: Basic {basic}");
        }

        if (environment is not null)
            foreach (var (name, value) in environment)
                env[name] = value;

        var result = await runner.RunAsync(new CommandSpec("git", arguments, workingDirectory) { Environment = env, Timeout = Timeout }, cancellationToken);
        if (!result.Succeeded)
        {
            var output = token is null ? result.Output : result.Output.Replace(token, "***");
            var transient = output.Contains("Could not resolve host") || output.Contains("Connection refused")
                            || output.Contains("timed out") || output.Contains("The requested URL returned error: 5");
            throw new GitException($"git {arguments.FirstOrDefault()} failed (exit {result.ExitCode}): {Tail(output)}", transient);
        }

        return result.Output.TrimEnd('\n');
    }

    static string Tail(string output) => string.Join('\n', output.TrimEnd().Split('\n').TakeLast(15));
}
