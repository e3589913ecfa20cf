namespace Builder.AppHost.Servers;

/// <summary>PostgreSQL from the local server binaries; trust authentication, loopback only, no Unix socket.</summary>
sealed class Postgres(string binDirectory, string directory, int port) : Server("postgres", directory, port)
{
    const string Database = "builder";

    // The server refuses to run as root.
    static readonly string? User = Shell.IsRoot ? "postgres" : null;

    string DataDirectory => Path.Combine(Directory, "data");
    string LogFile => Path.Combine(Directory, "postgres.log");
    string PgCtl => Path.Combine(binDirectory, "pg_ctl");

    public override string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={Database}";

    /// <summary>The bin folder of the newest installed server: pg_ctl on PATH (through its links), else Debian's versioned folders.</summary>
    public static string? Locate()
    {
        static bool IsServerBin(string? bin) => bin is not null && File.Exists(Path.Combine(bin, "pg_ctl")) && File.Exists(Path.Combine(bin, "initdb"));

        if (Shell.Which("pg_ctl") is { } onPath
            && Path.GetDirectoryName(new FileInfo(onPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? onPath) is var bin
            && IsServerBin(bin))
            return bin;
        string[] roots = ["/usr/lib/postgresql", "/usr/local/lib/postgresql"];
        return roots.Where(System.IO.Directory.Exists)
            .SelectMany(System.IO.Directory.EnumerateDirectories)
            .Select(v => Path.Combine(v, "bin"))
            .Where(IsServerBin)
            .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0)
            .FirstOrDefault();
    }

    public override async Task StartAsync(CancellationToken ct)
    {
        State = "starting";
        System.IO.Directory.CreateDirectory(Directory);
        if (User is not null)
            await EnsureUserCanWriteAsync();
        await StopStaleAsync();

        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            var init = await Shell.RunAsync(Path.Combine(binDirectory, "initdb"),
                ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], asUser: User);
            if (!init.Succeeded)
                throw Failure("initdb failed", Shell.Tail(init.Output));
        }
        ct.ThrowIfCancellationRequested();

        // synchronous_commit=off: fast enough for local use without fsync=off's risk of a corrupt cluster.
        var settings = $"-c listen_addresses=127.0.0.1 -p {Port} -c unix_socket_directories='' -c synchronous_commit=off";
        var start = await Shell.RunAsync(PgCtl, ["-D", DataDirectory, "-l", LogFile, "-o", settings, "-w", "-t", "60", "start"], asUser: User);
        if (!start.Succeeded)
            throw Failure("did not start", Shell.Tail(start.Output) + Environment.NewLine + Shell.TailOfFile(LogFile));

        await EnsureDatabaseAsync();
        Ready();
    }

    async Task EnsureUserCanWriteAsync()
    {
        // initdb runs as postgres, so it needs to own the folder it creates the cluster in.
        await Shell.RunAsync("chown", [$"{User}:{User}", Directory]);
        var check = await Shell.RunAsync("test", ["-w", Directory, "-a", "-x", Directory], asUser: User);
        if (!check.Succeeded)
            throw new AppHostException($"postgres: the '{User}' user cannot reach {Directory}: pass a --data-dir that it can (every parent folder readable by others)");
    }

    async Task EnsureDatabaseAsync()
    {
        string[] connect = ["-X", "-q", "-h", "127.0.0.1", "-p", Port.ToString(), "-U", "postgres", "-d", "postgres", "-tA", "-c"];
        var psql = Path.Combine(binDirectory, "psql") is var beside && File.Exists(beside) ? beside
            : Shell.Which("psql") ?? throw new AppHostException("psql not found: apt-get install postgresql-client");
        var exists = await Shell.RunAsync(psql, [.. connect, $"SELECT 1 FROM pg_database WHERE datname = '{Database}'"]);
        if (exists.Succeeded && exists.Output.Trim() == "1")
            return;
        var create = await Shell.RunAsync(psql, [.. connect, $"CREATE DATABASE {Database}"]);
        if (!create.Succeeded)
            throw Failure($"could not create the database {Database}", Shell.Tail(create.Output));
    }

    /// <summary>A server left running by an AppHost that was killed holds the data folder: stop it first.</summary>
    async Task StopStaleAsync()
    {
        if (Pids.ReadPid(Path.Combine(DataDirectory, "postmaster.pid")) is { } pid && Pids.IsRunning(pid, "postgres"))
        {
            Console.WriteLine($"postgres: stopping a server left running by an earlier start (PID {pid})");
            await StopAsync();
        }
    }

    public override async Task StopAsync()
    {
        if (Pids.ReadPid(Path.Combine(DataDirectory, "postmaster.pid")) is not { } pid || !Pids.IsRunning(pid, "postgres"))
        {
            Stopped();
            return;
        }
        State = "stopping";
        await Shell.RunAsync(PgCtl, ["-D", DataDirectory, "-m", "fast", "-w", "-t", "30", "stop"], asUser: User);
        await Pids.StopPidAsync(pid, TimeSpan.FromSeconds(5));
        Stopped();
    }
}
