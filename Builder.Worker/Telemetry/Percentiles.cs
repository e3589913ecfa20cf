namespace Builder.Worker.Telemetry;

/// <summary>The percentiles health checks, telemetry and improvement rules read latencies by, computed one way everywhere.</summary>
public static class Percentiles
{
    /// <summary>The nearest-rank percentile <paramref name="p"/> (0 to 1) of the values; 0 when there are none.</summary>
    public static double Of(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    /// <summary>The median, the mean of the two middle values when their number is even; 0 when there are none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
