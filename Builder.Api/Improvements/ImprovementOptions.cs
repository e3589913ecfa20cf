using System.ComponentModel.DataAnnotations;

namespace Builder.Api.Improvements;

/// <summary>"Builder:Improvements": what counts as an opportunity, how many improvements run at once, and the schedule.</summary>
public sealed class ImprovementOptions
{
    public const string Section = "Builder:Improvements";

    /// <summary>An endpoint failing at least this share of its probes (percent) is an opportunity.</summary>
    [Range(0.1, 100)]
    public double ErrorRateThreshold { get; set; } = 5;

    /// <summary>Fewer probes than this in the window say nothing either way.</summary>
    [Range(1, 100000)]
    public int MinRequests { get; set; } = 5;

    /// <summary>A median latency this much (percent) above the previous version's is a regression.</summary>
    [Range(1, 10000)]
    public double LatencyRegression { get; set; } = 20;

    /// <summary>Differences below this many milliseconds are noise, whatever the percentage.</summary>
    [Range(0, 60000)]
    public double LatencyFloorMs { get; set; } = 10;

    [Range(1, 1000)]
    public int CrashLoopRestarts { get; set; } = 3;

    [Range(1, 100000)]
    public int RecurringExceptionCount { get; set; } = 5;

    /// <summary>Improvement runs open at once in a tenant (seed: MAX_CONCURRENT_IMPROVEMENTS).</summary>
    [Range(1, 100)]
    public int MaxConcurrentImprovements { get; set; } = 3;

    /// <summary>The most a single cycle may be asked to start.</summary>
    [Range(1, 100)]
    public int MaxImprovementsPerCycle { get; set; } = 10;

    /// <summary>How often running cycles are looked at for runs that ended.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan TrackInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Cycles on a schedule, for each tenant whose SelfBuilding flag is on. Off by default.</summary>
    public bool ScheduleEnabled { get; set; }

    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan ScheduleInterval { get; set; } = TimeSpan.FromDays(1);

    [Range(0.01, 2160)]
    public double ScheduleWindowHours { get; set; } = 24;

    [Range(1, 100)]
    public int ScheduleMaxImprovements { get; set; } = 1;
}
