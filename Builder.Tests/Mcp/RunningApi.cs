using Builder.Tests.Support;

namespace Builder.Tests.Mcp;

/// <summary>
/// The Api as a real process in the embedded topology (SQLite in a temp data folder, the worker in
/// the same process), for clients that must talk to it over the network: the MCP client and the CLI.
/// </summary>
public sealed class RunningApi : IAsyncLifetime
{
    public const string AdminKey = "bld-process-admin-key-0123456789";

    readonly string _data = Directory.CreateTempSubdirectory("builder-api-process-").FullName;
    BuilderProcess? _api;

    public BuilderProcess Process => _api ?? throw new InvalidOperationException("The Api has not started.");
    public Uri Url => Process.Url;
    public Uri McpUrl => new(Url, "/mcp");

    public async Task InitializeAsync()
    {
        _api = BuilderProcess.Start("Builder.Api", "api", new Dictionary<string, string>
        {
            ["Builder__DataDirectory"] = _data,
            ["Builder__Bootstrap__AdminKey"] = AdminKey,
            ["Builder__Worker__MaxConcurrentRuns"] = "4",
            ["Builder__Worker__CommandTimeout"] = "00:02:00",
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Warning",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        });
        await _api.WaitHealthyAsync();
    }

    public BuilderApi Admin() => Client(AdminKey);

    public BuilderApi Client(string key) => BuilderApi.WithKey(new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(60) }, key);

    public async Task DisposeAsync()
    {
        if (_api is not null)
            await _api.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
