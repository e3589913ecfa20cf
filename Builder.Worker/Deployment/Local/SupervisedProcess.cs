using Builder.Worker.Sandbox;

namespace Builder.Worker.Deployment.Local;

/// <summary>
/// One running version: its start command in the sandbox, restarted with back-off (1, 2, 4... s) when it
/// exits without being asked to, at most MaxRestarts times in a row. The sandbox's time limit ends a
/// run like a crash does, so a long-lived service is simply restarted at its end.
/// </summary>
public sealed class SupervisedProcess(ISandbox sandbox, SandboxRequest request, int maxRestarts, Action<string> onRestart, ILogger logger)
{
    readonly CancellationTokenSource _stop = new();
    readonly Queue<string> _tail = new();

    /// <summary>Lines not yet read by telemetry; the oldest are dropped (and counted) when nobody reads them.</summary>
    readonly Queue<string> _unread = new();

    int _dropped;
    int _restartsUnread;
    Task? _loop;

    /// <summary>At most this many lines wait for telemetry between two reads.</summary>
    public const int MaxUnreadLines = 5000;

    public bool Running { get; private set; }

    /// <summary>The last lines the process wrote, for a failed readiness check's reason.</summary>
    public string Tail()
    {
        lock (_tail)
            return string.Join('\n', _tail);
    }

    public void Start()
    {
        Running = true;
        _loop = Task.Run(SuperviseAsync);
    }

    async Task SuperviseAsync()
    {
        var restarts = 0;
        while (!_stop.IsCancellationRequested)
        {
            var started = DateTime.UtcNow;
            string ending;
            try
            {
                var result = await sandbox.RunAsync(request, _stop.Token, Line);
                ending = result.LimitHit is { } limit ? $"stopped by the {limit} limit" : $"exited with code {result.ExitCode}";
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                ending = $"could not run: {ex.Message}";
            }

            if (_stop.IsCancellationRequested)
                break;
            if (DateTime.UtcNow - started > TimeSpan.FromMinutes(1))
                restarts = 0;
            if (restarts >= maxRestarts)
            {
                logger.LogWarning("Service process {Command} {Ending}; restarted {Restarts} times, giving up", request.Command, ending, restarts);
                onRestart($"{ending}; restarted {restarts} times already, not restarted again");
                break;
            }

            var delay = TimeSpan.FromSeconds(Math.Min(30, 1 << restarts));
            restarts++;
            Interlocked.Increment(ref _restartsUnread);
            onRestart($"{ending}; restart {restarts} in {delay.TotalSeconds:0} s");
            try
            {
                await Task.Delay(delay, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        Running = false;
    }

    void Line(string line)
    {
        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > 40)
                _tail.Dequeue();
            _unread.Enqueue(line);
            if (_unread.Count > MaxUnreadLines)
            {
                _unread.Dequeue();
                _dropped++;
            }
        }
    }

    /// <summary>What the process wrote and how often it was restarted since the last call.</summary>
    public ServiceOutput TakeOutput()
    {
        lock (_tail)
        {
            var output = new ServiceOutput(_unread.ToList(), _dropped, Interlocked.Exchange(ref _restartsUnread, 0));
            _unread.Clear();
            _dropped = 0;
            return output;
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
            await _loop;
        Running = false;
    }
}
