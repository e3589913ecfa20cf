using System.Text.Json;

namespace Builder.Tests.Chaos;

/// <summary>A fault as it happened: when, how long until the server or process was back, and what it did to the runs.</summary>
public sealed record FaultOutcome(
    FaultKind Kind, int AfterRun, DateTime At, double InjectMs, int RunsAffected, int RunsRecovered, double? RecoveredAfterMs, string Detail);

/// <summary>One invariant, whether it held, and what broke it.</summary>
public sealed record InvariantOutcome(string Name, bool Held, IReadOnlyList<string> Violations);

/// <summary>The result of a chaos run, written as JSON (artifacts/chaos/) and printed.</summary>
public sealed record ChaosReport(
    int Seed, int Runs, int Workers, DateTime StartedAt, double DurationSeconds, IReadOnlyDictionary<string, int> Statuses,
    IReadOnlyList<FaultOutcome> Faults, IReadOnlyList<InvariantOutcome> Invariants, string Machine)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public string Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"chaos-{Runs}-runs-seed-{Seed}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
        return path;
    }

    public string Summary()
    {
        var lines = new List<string>
        {
            $"chaos: seed {Seed}, {Runs} runs, {Workers} workers, {Faults.Count} faults, {DurationSeconds:0} s on {Machine}",
            $"chaos: statuses {string.Join(", ", Statuses.Select(s => $"{s.Key} {s.Value}"))}",
        };
        lines.AddRange(Faults.GroupBy(f => f.Kind).Select(g =>
            $"chaos: {g.Key}: {g.Count()}×, runs affected {g.Sum(f => f.RunsAffected)}, recovered {g.Sum(f => f.RunsRecovered)}, " +
            $"back after {string.Join("/", g.Select(f => $"{f.InjectMs:0}"))} ms, next run completed after {string.Join("/", g.Select(f => f.RecoveredAfterMs is { } ms ? $"{ms:0}" : "-"))} ms"));
        lines.AddRange(Invariants.Select(i => $"chaos: invariant {i.Name}: {(i.Held ? "held" : "BROKEN: " + string.Join("; ", i.Violations.Take(5)))}"));
        return string.Join('\n', lines);
    }
}
