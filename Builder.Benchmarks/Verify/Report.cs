namespace Builder.Benchmarks.Verify;

/// <summary>Prints the figures: the comparison against the goals, then where Builder's time went.</summary>
public static class Report
{
    public const double ColdGoal = 1.5;
    public const double SecondGoal = 1.0;

    public static void Print(string title, IReadOnlyList<Repetition> repetitions)
    {
        var hand = Median(repetitions.Select(r => r.ByHand.Total.TotalSeconds));
        var cold = Median(repetitions.Select(r => r.Cold.Wall.TotalSeconds));
        var second = Median(repetitions.Select(r => r.Second.Wall.TotalSeconds));
        Console.WriteLine();
        Console.WriteLine($"== {title} ==");
        Console.WriteLine($"load average (1, 5, 15 min) before: {string.Join(" | ", repetitions.Select(r => r.LoadBefore))}");
        Console.WriteLine($"                            after:  {string.Join(" | ", repetitions.Select(r => r.LoadAfter))}");
        Console.WriteLine();
        Console.WriteLine($"{"",-34}{"by hand",12}{"Builder cold",20}{"Builder second",22}");
        Console.WriteLine($"{"wall time (s)",-34}{hand,12:F1}{cold,20:F1}{second,22:F1}");
        Console.WriteLine($"{"ratio to by hand",-34}{"",12}{Ratio(cold / hand, ColdGoal),20}{Ratio(second / hand, SecondGoal),22}");
        Console.WriteLine();

        Console.WriteLine($"{"Builder phase (s)",-34}{"",12}{"cold",20}{"second",22}");
        foreach (var phase in repetitions[0].Cold.Phases.Select(p => p.Phase))
            Console.WriteLine($"{"  " + phase,-34}{"",12}{PhaseSeconds(repetitions, r => r.Cold, phase),20:F1}{PhaseSeconds(repetitions, r => r.Second, phase),22:F1}");
        Console.WriteLine($"{"  outside the phases",-34}{"",12}{Outside(repetitions, r => r.Cold),20:F1}{Outside(repetitions, r => r.Second),22:F1}");
        Console.WriteLine($"{"Verify: suites run",-34}{"",12}{Median(repetitions.Select(r => (double)r.Cold.SuitesRun)),20}{Median(repetitions.Select(r => (double)r.Second.SuitesRun)),22}");
        Console.WriteLine($"{"  tests.completed events",-34}{"",12}{Median(repetitions.Select(r => (double)r.Cold.TestsCompletedEvents)),20}{Median(repetitions.Select(r => (double)r.Second.TestsCompletedEvents)),22}");
        Console.WriteLine($"{"  base_results.reused events",-34}{"",12}{Median(repetitions.Select(r => (double)r.Cold.BaseResultsReusedEvents)),20}{Median(repetitions.Select(r => (double)r.Second.BaseResultsReusedEvents)),22}");
        Console.WriteLine();

        Console.WriteLine("by hand, per step (s):");
        foreach (var step in repetitions[0].ByHand.Steps.Select(s => s.Step))
            Console.WriteLine($"  {step,-52}{Median(repetitions.Select(r => r.ByHand.Steps.First(s => s.Step == step).Duration.TotalSeconds)),8:F1}");
        PrintSteps("Builder cold, per sandboxed step (s), from the phase logs:", repetitions.Select(r => r.Cold));
        PrintSteps("Builder second, per sandboxed step (s), from the phase logs:", repetitions.Select(r => r.Second));
    }

    static void PrintSteps(string heading, IEnumerable<BuilderRun> runs)
    {
        var list = runs.ToList();
        Console.WriteLine(heading);
        foreach (var step in list[0].Steps.Select(s => s.Step))
        {
            var seconds = list.Select(r => r.Steps.Where(s => s.Step == step).Select(s => s.Duration.TotalSeconds).DefaultIfEmpty(0).First());
            Console.WriteLine($"  {step,-52}{Median(seconds),8:F1}");
        }

        var sandboxed = Median(list.Select(r => r.Steps.Sum(s => s.Duration.TotalSeconds)));
        Console.WriteLine($"  {"sum of steps (suites in parallel overlap)",-52}{sandboxed,8:F1}");
    }

    static double PhaseSeconds(IReadOnlyList<Repetition> repetitions, Func<Repetition, BuilderRun> run, string phase) =>
        Median(repetitions.Select(r => run(r).Phases.Where(p => p.Phase == phase).Select(p => p.Duration.TotalSeconds).DefaultIfEmpty(0).First()));

    /// <summary>Wall time not spent in any phase: hand-offs between phases, submission and the client's polling.</summary>
    static double Outside(IReadOnlyList<Repetition> repetitions, Func<Repetition, BuilderRun> run) =>
        Median(repetitions.Select(r => run(r).Wall.TotalSeconds - run(r).Phases.Sum(p => p.Duration.TotalSeconds)));

    static string Ratio(double ratio, double goal) => $"{ratio:F2} (≤ {goal:F1} {(ratio <= goal ? "met" : "missed")})";

    static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
