namespace Builder.AppHost.Servers;

/// <summary>
/// A backing server of the distributed topology. Its data lives in <see cref="Directory"/> and survives
/// restarts; it is stopped by the PID it recorded there, so a start after a crash can clean up first.
/// </summary>
abstract class Server(string name, string directory, int port) : IResource
{
    public string Name => name;
    public string Directory => directory;
    public int Port => port;
    public string Url => $"127.0.0.1:{port}";
    public string State { get; protected set; } = "pending";
    public string Health { get; protected set; } = "unknown";

    /// <summary>The value of <c>ConnectionStrings__&lt;name&gt;</c> in Aspire's conventions.</summary>
    public abstract string ConnectionString { get; }

    /// <summary>Starts the server and returns once it accepts clients.</summary>
    public abstract Task StartAsync(CancellationToken ct);

    /// <summary>Stops whatever this server left running, also after a failed or partial start.</summary>
    public abstract Task StopAsync();

    protected void Ready()
    {
        State = "running";
        Health = "healthy";
    }

    protected void Stopped()
    {
        State = "stopped";
        Health = "-";
    }

    protected AppHostException Failure(string what, string log) =>
        new($"{Name}: {what}{Environment.NewLine}{log}");
}
