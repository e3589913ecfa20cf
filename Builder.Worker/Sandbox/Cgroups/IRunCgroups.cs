namespace Builder.Worker.Sandbox.Cgroups;

/// <summary>
/// The cgroups one sandboxed run is confined to: cgroup v1 per-controller folders
/// (<see cref="RunCgroups"/>) or one folder of the unified v2 hierarchy (<see cref="UnifiedRunCgroup"/>).
/// </summary>
public interface IRunCgroups
{
    /// <summary>What could not be set up, each naming the limit the run goes without.</summary>
    IReadOnlyList<string> Notices { get; }

    /// <summary>The cgroup.procs files the run's first process writes itself into before it execs.</summary>
    IReadOnlyList<string> ProcsFiles { get; }

    /// <summary>"memory" or "processes" once the kernel enforced that limit on the run, else null.</summary>
    string? LimitHit();

    /// <summary><see cref="LimitHit"/> once no process of the run is left.</summary>
    string? LimitHitOnceStopped();

    void KillAll();

    void Remove();
}
