using Builder.Core.Execution;

namespace Builder.Worker.Environments;

/// <summary>
/// The runtime versions installed on this worker, asked of each runtime's own command: what lets a
/// repository with an environment manifest run under bubblewrap when no container engine answers.
/// </summary>
public sealed class WorkerRuntimes(CommandRunner runner)
{
    /// <summary>The version this worker has that matches <paramref name="wanted"/> (same major, or same major.minor when asked), or null.</summary>
    public async Task<string?> MatchingAsync(RuntimeVersion wanted, CancellationToken cancellationToken)
    {
        var (file, arguments) = wanted.Name switch
        {
            "node" => ("node", new[] { "--version" }),
            "python" => ("python3", ["--version"]),
            "go" => ("go", ["version"]),
            _ => ("dotnet", ["--list-sdks"]),
        };
        CommandResult result;
        try
        {
            result = await runner.RunAsync(new CommandSpec(file, arguments, Path.GetTempPath()) { Timeout = TimeSpan.FromSeconds(20) }, cancellationToken);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }

        if (!result.Succeeded)
            return null;
        return System.Text.RegularExpressions.Regex.Matches(result.Output, @"\d+(\.\d+)+")
            .Select(m => m.Value)
            .FirstOrDefault(version => Matches(version, wanted.Version));
    }

    /// <summary>"18" matches 18.19.0; "3.11" matches 3.11.2 but not 3.12.1.</summary>
    public static bool Matches(string installed, string wanted) =>
        installed == wanted || installed.StartsWith(wanted + ".", StringComparison.Ordinal);
}
