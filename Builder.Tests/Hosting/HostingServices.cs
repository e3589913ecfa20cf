using System.Collections.Concurrent;
using Builder.Worker.PullRequests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Builder.Tests.Hosting;

/// <summary>The hosting services as the worker registers them, over in-memory configuration, with every log line kept.</summary>
sealed class HostingServices : IDisposable
{
    readonly ServiceProvider _provider;

    public HostingServices(IDictionary<string, string?> settings)
    {
        // Quick retries keep the tests fast; the back-off itself is the same code.
        var defaults = new Dictionary<string, string?>
        {
            ["Builder:Hosting:RetryDelay"] = "00:00:00.010",
            ["Builder:Hosting:MaxAttempts"] = "3",
            ["Builder:Hosting:RequestTimeout"] = "00:00:05",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(defaults).AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        services.AddPullRequestHosts(configuration);
        _provider = services.BuildServiceProvider();
    }

    public CapturedLogs Logs { get; } = new();

    public PullRequestHostResolver Resolver => _provider.GetRequiredService<PullRequestHostResolver>();

    public IPullRequestHost GitHub => _provider.GetServices<IPullRequestHost>().Single(h => h.Provider == "github");

    public IPullRequestHost GitLab => _provider.GetServices<IPullRequestHost>().Single(h => h.Provider == "gitlab");

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    public void Dispose() => _provider.Dispose();
}

sealed class CapturedLogs : ILoggerProvider
{
    readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
