namespace Builder.Tests.Chaos;

public enum FaultKind
{
    WorkerKilled,
    RabbitMqRestarted,
    PostgresRestarted,
    RedisDropped,
    ApiKilled,
}

/// <summary>One fault: which, and after which submission it strikes.</summary>
public sealed record PlannedFault(int AfterRun, FaultKind Kind, int Worker);

/// <summary>
/// The load and the faults of a chaos run, all from one seed: the same seed replays the same faults at
/// the same moments of the load. Sizes come from BUILDER_CHAOS_RUNS (30), BUILDER_CHAOS_FAULTS (one of
/// each kind) and BUILDER_CHAOS_SEED (random, printed).
/// </summary>
public sealed record ChaosPlan(int Seed, int Runs, int Workers, IReadOnlyList<PlannedFault> Faults)
{
    public static ChaosPlan FromEnvironment()
    {
        var kinds = Enum.GetValues<FaultKind>();
        var runs = Read("BUILDER_CHAOS_RUNS", 30);
        var faults = Read("BUILDER_CHAOS_FAULTS", kinds.Length);
        var seed = Read("BUILDER_CHAOS_SEED", Random.Shared.Next(1, 1_000_000));
        return Create(seed, runs, faults, workers: 2);
    }

    public static ChaosPlan Create(int seed, int runs, int faults, int workers)
    {
        var random = new Random(seed);
        var kinds = Enum.GetValues<FaultKind>();
        // Every kind once before any repeats, in a seeded order; the moments spread over the load, never at its very start or end.
        var order = Enumerable.Range(0, faults).Select(i => kinds[i % kinds.Length]).Chunk(kinds.Length)
            .SelectMany(chunk => chunk.OrderBy(_ => random.Next())).ToList();
        var moments = Enumerable.Range(0, faults).Select(i => Math.Clamp((int)((i + 0.5 + (random.NextDouble() - 0.5) * 0.8) * runs / faults), 2, runs - 2)).ToList();
        return new ChaosPlan(seed, runs, workers, order.Select((kind, i) => new PlannedFault(moments[i], kind, random.Next(workers))).ToList());
    }

    static int Read(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value > 0 ? value : fallback;
}
