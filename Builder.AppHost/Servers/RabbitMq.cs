namespace Builder.AppHost.Servers;

/// <summary>
/// A RabbitMQ node with everything private to its folder (config, plugins, Mnesia, logs, Erlang
/// cookie) and its own epmd port, so it neither reads nor disturbs a system-wide installation.
/// </summary>
sealed class RabbitMq(string binDirectory, string directory, int port) : Server("rabbitmq", directory, port)
{
    const string NodeName = "rabbit@localhost";

    // Picked when the node starts; the AMQP port is the only one clients see.
    int distributionPort;
    int epmdPort;

    string PidFile => Path.Combine(Directory, "rabbitmq.pid");
    string EpmdPidFile => Path.Combine(Directory, "epmd.pid");
    string LogDirectory => Path.Combine(Directory, "log");
    string Ctl => Path.Combine(binDirectory, "rabbitmqctl");

    public override string ConnectionString => $"amqp://guest:guest@127.0.0.1:{Port}/";

    /// <summary>
    /// The scripts in Debian's /usr/lib/rabbitmq/bin: the wrappers on PATH switch to the rabbitmq
    /// user, which cannot use our folders.
    /// </summary>
    public static string? Locate()
    {
        string[] candidates = ["/usr/lib/rabbitmq/bin", .. Shell.Which("rabbitmq-server") is { } p ? [Path.GetDirectoryName(p)!] : Array.Empty<string>()];
        return candidates.FirstOrDefault(dir => File.Exists(Path.Combine(dir, "rabbitmq-server")) && File.Exists(Path.Combine(dir, "rabbitmqctl")));
    }

    Dictionary<string, string> Environment() => new()
    {
        // The Erlang cookie lives in HOME; rabbitmqctl finds the node only with the same one.
        ["HOME"] = Directory,
        ["RABBITMQ_NODENAME"] = NodeName,
        ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
        ["RABBITMQ_NODE_PORT"] = Port.ToString(),
        ["RABBITMQ_DIST_PORT"] = distributionPort.ToString(),
        ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
        ["ERL_EPMD_PORT"] = epmdPort.ToString(),
        ["RABBITMQ_MNESIA_BASE"] = Path.Combine(Directory, "mnesia"),
        ["RABBITMQ_LOG_BASE"] = LogDirectory,
        ["RABBITMQ_PID_FILE"] = PidFile,
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(Directory, "enabled_plugins"),
        ["RABBITMQ_CONFIG_FILE"] = Path.Combine(Directory, "rabbitmq.conf"),
        ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(Directory, "advanced.config"),
        ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(Directory, "rabbitmq-env.conf"),
        ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
    };

    public override async Task StartAsync(CancellationToken ct)
    {
        State = "starting";
        System.IO.Directory.CreateDirectory(LogDirectory);
        if (Pids.IsRunning(Pids.ReadPid(PidFile), "beam.smp"))
        {
            Console.WriteLine($"rabbitmq: stopping a node left running by an earlier start (PID {Pids.ReadPid(PidFile)})");
            await StopAsync();
        }
        await StopEpmdAsync();
        File.Delete(PidFile);

        WriteIfMissing("enabled_plugins", "[].\n");
        WriteIfMissing("rabbitmq.conf", "# Written by Builder.AppHost; ports and addresses come from the environment.\n");
        WriteIfMissing("advanced.config", "[].\n");
        WriteIfMissing("rabbitmq-env.conf", "");
        (distributionPort, epmdPort) = Ports.FreePorts(2) is [var d, var e] ? (d, e) : default;

        var env = Environment();
        var start = await Shell.RunAsync(Path.Combine(binDirectory, "rabbitmq-server"), ["-detached"], env);
        if (!start.Succeeded)
            throw Failure("did not start", Shell.Tail(start.Output) + System.Environment.NewLine + LogTail());

        if (!await Ports.WaitForPortAsync(Port, TimeSpan.FromSeconds(90), ct))
            throw Failure($"does not listen on {Port} after 90 s", LogTail());
        var ready = await Shell.RunAsync(Ctl, ["await_startup", "--timeout", "60"], env, timeout: TimeSpan.FromSeconds(75));
        if (!ready.Succeeded)
            throw Failure("did not finish starting", Shell.Tail(ready.Output) + System.Environment.NewLine + LogTail());

        // epmd is daemonized by the node and outlives it; remember its PID to stop it ourselves.
        if (Pids.FindByEnvironment($"ERL_EPMD_PORT={epmdPort}", "epmd").FirstOrDefault() is var epmd and > 0)
            File.WriteAllText(EpmdPidFile, $"{epmd}\n");
        Ready();
    }

    void WriteIfMissing(string file, string content)
    {
        var path = Path.Combine(Directory, file);
        if (!File.Exists(path))
            File.WriteAllText(path, content);
    }

    string LogTail() => Shell.TailOfFile(Path.Combine(LogDirectory, $"{NodeName}.log"));

    public override async Task StopAsync()
    {
        // A node this run started but that never wrote its PID file is found by its port.
        var pid = Pids.ReadPid(PidFile);
        if (!Pids.IsRunning(pid, "beam.smp") && epmdPort > 0)
            pid = Pids.FindByEnvironment($"RABBITMQ_NODE_PORT={Port}", "beam.smp").Cast<int?>().FirstOrDefault();
        if (pid is { } node && Pids.IsRunning(node, "beam.smp"))
        {
            State = "stopping";
            if (epmdPort > 0)
            {
                // rabbitmqctl reaches the node through epmd, so epmd must still be up here.
                var stop = await Shell.RunAsync(Ctl, ["stop"], Environment(), timeout: TimeSpan.FromSeconds(60));
                if (!stop.Succeeded)
                    Console.Error.WriteLine($"rabbitmq: rabbitmqctl stop failed, stopping PID {node}: {Shell.Tail(stop.Output, 3)}");
            }
            // A node left by an earlier start: its epmd port is unknown, but the VM shuts down cleanly on SIGTERM.
            await Pids.StopPidAsync(node, TimeSpan.FromSeconds(30));
        }
        await StopEpmdAsync();
        Stopped();
    }

    async Task StopEpmdAsync()
    {
        IEnumerable<int> epmds = Pids.ReadPid(EpmdPidFile) is { } recorded ? [recorded] : [];
        if (epmdPort > 0)
            epmds = epmds.Concat(Pids.FindByEnvironment($"ERL_EPMD_PORT={epmdPort}", "epmd"));
        foreach (var epmd in epmds.Distinct().Where(p => Pids.IsRunning(p, "epmd")).ToList())
            await Pids.StopPidAsync(epmd, TimeSpan.FromSeconds(5));
        File.Delete(EpmdPidFile);
    }
}
