using System.Diagnostics.Metrics;

namespace Builder.Api.Improvements;

/// <summary>The improvement cycle's instruments, on Builder's meter (exported to the Aspire dashboard by the service defaults).</summary>
public sealed class ImprovementMetrics
{
    public const string MeterName = "Builder";

    readonly Counter<long> _cyclesStarted;
    readonly Counter<long> _deployed;
    readonly Counter<long> _rolledBack;
    readonly Histogram<double> _cycleDuration;
    readonly Counter<double> _impact;

    public ImprovementMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _cyclesStarted = meter.CreateCounter<long>("improvement_cycles_started", description: "Improvement cycles started, by trigger.");
        _deployed = meter.CreateCounter<long>("improvements_deployed", description: "Improvement runs that deployed and stayed healthy.");
        _rolledBack = meter.CreateCounter<long>("improvements_rolled_back", description: "Improvement runs rolled back.");
        _cycleDuration = meter.CreateHistogram<double>("cycle_duration_seconds", unit: "s", description: "From a cycle's start until its last run ended.");
        _impact = meter.CreateCounter<double>("impact_score_total", description: "The impact scores of the opportunities improvement runs were started for.");
    }

    public void CycleStarted(string trigger) => _cyclesStarted.Add(1, new KeyValuePair<string, object?>("trigger", trigger));

    public void RunStarted(double impact) => _impact.Add(impact);

    public void RunEnded(string outcome)
    {
        if (outcome == ImprovementOutcomes.Deployed)
            _deployed.Add(1);
        else if (outcome == ImprovementOutcomes.RolledBack)
            _rolledBack.Add(1);
    }

    public void CycleEnded(TimeSpan duration) => _cycleDuration.Record(duration.TotalSeconds);
}

/// <summary>How an improvement run ended, as a cycle records it.</summary>
public static class ImprovementOutcomes
{
    public const string Deployed = "deployed";
    public const string RolledBack = "rolled-back";

    /// <summary>The outcome of a run in a terminal saga state; "completed" when it ended well but deployed nothing.</summary>
    public static string Of(string terminalState, bool deployed) => terminalState switch
    {
        "Completed" => deployed ? Deployed : "completed",
        "RolledBack" => RolledBack,
        _ => terminalState.ToLowerInvariant(),
    };
}
