using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Builder.Tests.Mcp;

/// <summary>
/// Where the MCP client's npm dependency is installed: test.sh installs it and exports
/// BUILDER_TEST_NODE_MODULES; a bare `dotnet test` installs it into the same gitignored folder once.
/// </summary>
public static class NodeModules
{
    const string Package = "@modelcontextprotocol/sdk";
    static readonly SemaphoreSlim Gate = new(1, 1);

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Builder.sln")))
                return directory.FullName;
        throw new DirectoryNotFoundException("Builder.sln not found above the test assembly.");
    }

    public static string ClientFolder => Path.Combine(RepositoryRoot(), "Builder.Tests", "Mcp", "client");

    public static async Task<string> LocateAsync()
    {
        if (Environment.GetEnvironmentVariable("BUILDER_TEST_NODE_MODULES") is { Length: > 0 } exported && Has(exported))
            return exported;

        var prefix = Path.Combine(RepositoryRoot(), ".builder", "test-npm");
        var modules = Path.Combine(prefix, "node_modules");
        await Gate.WaitAsync();
        try
        {
            if (Has(modules))
                return modules;
            var version = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(ClientFolder, "package.json")))!["dependencies"]![Package]!.GetValue<string>();
            Directory.CreateDirectory(prefix);
            var psi = new ProcessStartInfo("npm", ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--save-exact", $"{Package}@{version}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var npm = Process.Start(psi)!;
            var output = npm.StandardOutput.ReadToEndAsync();
            var error = await npm.StandardError.ReadToEndAsync();
            await npm.WaitForExitAsync();
            if (npm.ExitCode != 0 || !Has(modules))
                throw new InvalidOperationException($"npm install {Package}@{version} failed ({npm.ExitCode}): {await output}\n{error}");
            return modules;
        }
        finally
        {
            Gate.Release();
        }
    }

    static bool Has(string modules) => File.Exists(Path.Combine(modules, Package, "package.json"));
}
