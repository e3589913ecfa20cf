using System.ComponentModel.DataAnnotations;

namespace Builder.Worker.Telemetry;

/// <summary>"Builder:Telemetry": how often live services are read, and how long what was read is kept.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Builder:Telemetry";

    /// <summary>One collection round per interval: each endpoint probed, new output grouped, metrics scraped.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Probes of each endpoint per round: the requests one sample counts.</summary>
    [Range(1, 100)]
    public int ProbesPerEndpoint { get; set; } = 3;

    /// <summary>How long an answer may take before it counts as none.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a source whose reads keep failing is left alone before it is tried again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromMinutes(1);
}
