using System.ComponentModel.DataAnnotations;

namespace Builder.Api.Streaming;

/// <summary>The "Builder:Streaming" section: how the Api follows the event store for live subscribers.</summary>
public sealed class StreamingOptions
{
    public const string Section = "Builder:Streaming";

    /// <summary>How often the feed asks the store for new events.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long an id gap in the store is watched for a late commit (Postgres hands out ids before
    /// commit, so id 10 can become visible after id 11) before the feed stops looking for it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan GapHold { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A silent stream sends a keep-alive this often, and re-reads the store once as a safety net.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Events a slow subscriber may have queued before it falls back to reading the store.</summary>
    [Range(16, 1_000_000)]
    public int SubscriberBuffer { get; set; } = 10_000;
}
