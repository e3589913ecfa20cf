using System.Collections.Concurrent;
using System.Diagnostics;

namespace Builder.Worker.Toolchains;

/// <summary>
/// The version of the tools a toolchain runs with on this machine (dotnet --version, node --version,
/// ...), asked once per process: cached test results are only valid for the toolchain that made them.
/// </summary>
public static class ToolVersions
{
    static readonly ConcurrentDictionary<string, string> Known = new(StringComparer.OrdinalIgnoreCase);

    static readonly IReadOnlyDictionary<string, string[][]> Probes = new Dictionary<string, string[][]>(StringComparer.OrdinalIgnoreCase)
    {
        ["dotnet"] = [["dotnet", "--version"]],
        ["node"] = [["node", "--version"], ["npm", "--version"]],
        ["python"] = [["python3", "--version"], ["/usr/bin/python3", "-m", "pytest", "--version"]],
        ["go"] = [["go", "version"]],
        ["make"] = [["make", "--version"]],
    };

    public static string Of(string toolchain) => Known.GetOrAdd(toolchain, name =>
        Probes.TryGetValue(name, out var probes) ? string.Join("; ", probes.Select(Ask)) : "");

    static string Ask(string[] command)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(command[0], command[1..])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
                return $"{command[0]}: none";
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(30_000))
            {
                process.Kill(entireProcessTree: true);
                return $"{command[0]}: no answer";
            }

            var text = (output.Result.Length > 0 ? output.Result : error.Result).Split('\n')[0].Trim();
            return $"{command[0]}: {text}";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return $"{command[0]}: none";
        }
    }
}
