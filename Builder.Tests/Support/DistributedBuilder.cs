using Builder.Tests.Infrastructure;

namespace Builder.Tests.Support;

/// <summary>
/// Builder in the distributed topology, as separate processes: one Api and N workers on a fresh
/// Postgres database, a RabbitMQ vhost of its own and Redis — the servers ./test.sh started.
/// </summary>
public sealed class DistributedBuilder : IAsyncDisposable
{
    public const string AdminKey = "bld-distributed-admin-key-0123456789";

    readonly Dictionary<string, string> _environment;
    readonly List<BuilderProcess> _workers = [];
    readonly string _root = SharedTemporaryFolder.Create("builder-distributed-");
    int _workerCount;

    public BuilderProcess Api { get; private set; } = null!;
    public IReadOnlyList<BuilderProcess> Workers => _workers;

    DistributedBuilder(Dictionary<string, string> environment) => _environment = environment;

    public static async Task<DistributedBuilder> StartAsync(int workers, IReadOnlyDictionary<string, string>? settings = null)
    {
        var database = await TestServers.CreatePostgresDatabaseAsync("builder");
        var vhost = TestServers.LeaseRabbitVhost();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__builderdb"] = database,
            ["ConnectionStrings__messaging"] = vhost.Uri.ToString(),
            ["ConnectionStrings__cache"] = TestServers.RedisConnectionString,
            ["Builder__Bootstrap__AdminKey"] = AdminKey,
            ["Builder__Worker__CommandTimeout"] = "00:02:00",
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Warning",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            environment[key] = value;

        var cluster = new DistributedBuilder(environment);
        try
        {
            // Start them together: the schema migration must be safe when several processes start at once.
            cluster.Api = BuilderProcess.Start("Builder.Api", "api", cluster.With("api", ("Builder__Api__HostWorker", "false")));
            for (var i = 0; i < workers; i++)
                cluster.AddWorker();
            await Task.WhenAll(cluster._workers.Select(w => w.WaitHealthyAsync()).Append(cluster.Api.WaitHealthyAsync()));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    public BuilderProcess AddWorker()
    {
        var name = $"worker-{++_workerCount}";
        var worker = BuilderProcess.Start("Builder.Worker", name, With(name));
        _workers.Add(worker);
        return worker;
    }

    Dictionary<string, string> With(string name, params (string Key, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>(_environment) { ["Builder__DataDirectory"] = Path.Combine(_root, name) };
        foreach (var (key, value) in extra)
            environment[key] = value;
        return environment;
    }

    /// <summary>SIGKILLs a worker (alone, not its children) and starts it again on the same data folder, as a supervisor restarts a crashed service.</summary>
    public async Task<BuilderProcess> RestartWorkerAsync(int index, TimeSpan downtime)
    {
        var crashed = _workers[index];
        crashed.KillAlone();
        await crashed.DisposeAsync();
        await Task.Delay(downtime);
        var worker = BuilderProcess.Start("Builder.Worker", crashed.Name, With(crashed.Name));
        _workers[index] = worker;
        await worker.WaitHealthyAsync();
        return worker;
    }

    /// <summary>SIGKILLs the Api and starts a new one (on a new port: callers take <see cref="Admin"/> again).</summary>
    public async Task RestartApiAsync(TimeSpan downtime)
    {
        Api.KillAlone();
        await Api.DisposeAsync();
        await Task.Delay(downtime);
        Api = BuilderProcess.Start("Builder.Api", "api", With("api", ("Builder__Api__HostWorker", "false")));
        await Api.WaitHealthyAsync();
    }

    /// <summary>Where each process keeps its data: workspaces, releases, sandboxes.</summary>
    public string Root => _root;

    public BuilderApi Admin() => BuilderApi.WithKey(new HttpClient { BaseAddress = Api.Url, Timeout = TimeSpan.FromSeconds(30) }, AdminKey);

    public string Logs => string.Join("\n", _workers.Prepend(Api).Where(p => p is not null).Select(p => p.RecentLog));

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _workers.Prepend(Api).Where(p => p is not null))
            await process.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
