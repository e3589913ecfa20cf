using System.Text.Json;
using Builder.Core.Domain;
using static Builder.Api.Telemetry.OtlpJson;

namespace Builder.Api.Telemetry;

/// <summary>
/// Reads an ExportMetricsServiceRequest into metric signals, one per series (name and attributes, as
/// Prometheus keys them): a gauge's or sum's value (asDouble, or asInt); for a histogram its _count,
/// _sum and a _p95 read off its explicit buckets (the upper bound of the bucket holding the 95th
/// percentile, no more than the recorded max); for an exponential histogram and a summary their _count
/// and _sum. A series sent twice keeps its last value.
/// </summary>
public static class OtlpMetrics
{
    public const string Request = "ExportMetricsServiceRequest";
    public const string Field = "resourceMetrics";

    /// <summary>Data points kept per export; the rest are refused through partialSuccess, so a sender learns to send smaller batches.</summary>
    public const int MaxPoints = 1000;

    public static OtlpExport Read(JsonElement body)
    {
        var root = Root(body, Request, Field);
        var rejected = new Rejections();
        var accepted = 0;
        var resources = new List<OtlpResource>();
        foreach (var (resourceMetrics, path) in Items(root, Field))
        {
            var version = ServiceVersion(resourceMetrics, path);
            var series = new Dictionary<string, double>(StringComparer.Ordinal);
            var points = 0;
            DateTime? earliest = null;
            foreach (var (scope, scopePath) in Objects(resourceMetrics, "scopeMetrics", path))
            foreach (var (metric, metricPath) in Objects(scope, "metrics", scopePath))
            foreach (var (point, pointPath, kind) in DataPoints(metric, metricPath))
            {
                if (accepted == MaxPoints)
                {
                    rejected.Add($"Builder keeps at most {MaxPoints} data points per export; send smaller batches.");
                    continue;
                }

                var name = Text(metric, "name", metricPath);
                if (string.IsNullOrWhiteSpace(name))
                {
                    rejected.Add($"{metricPath} has no name; its data points were not kept.");
                    continue;
                }

                var values = PointValues(kind, name, point, pointPath, rejected);
                if (values.Count == 0)
                    continue;
                var attributes = Attributes(point, pointPath);
                foreach (var (suffix, value) in values)
                    series[SeriesKey(name + suffix, attributes)] = value;
                accepted++;
                points++;
                if (Time(point, "timeUnixNano", pointPath) is { } time && (earliest is null || time < earliest))
                    earliest = time;
            }

            resources.Add(new OtlpResource(version, earliest, points, 0, [],
                series.Select(s => new TelemetrySignal(TelemetrySignal.Metric, s.Key, s.Value)).ToList()));
        }

        return new OtlpExport(resources, rejected.Count, rejected.Reason);
    }

    static IEnumerable<(JsonElement Point, string Path, string Kind)> DataPoints(JsonElement metric, string path)
    {
        foreach (var kind in new[] { "gauge", "sum", "histogram", "exponentialHistogram", "summary" })
            if (Object(metric, kind, path) is { } data)
                foreach (var (point, pointPath) in Objects(data, "dataPoints", Join(path, kind)))
                    yield return (point, pointPath, kind);
    }

    /// <summary>The values a data point gives, by suffix; none (and counted as refused) when it has no finite value.</summary>
    static List<(string Suffix, double Value)> PointValues(string kind, string name, JsonElement point, string path, Rejections rejected)
    {
        List<(string, double)> values = [];
        if (kind is "gauge" or "sum")
        {
            var value = Number(point, "asDouble", path) ?? Integer(point, "asInt", path);
            if (value is null)
                rejected.Add($"{path} ({name}) has neither asDouble nor asInt; it was not kept.");
            else
                values.Add(("", value.Value));
        }
        else
        {
            values.Add(("_count", Integer(point, "count", path) ?? 0));
            if (Number(point, "sum", path) is { } sum)
                values.Add(("_sum", sum));
            if (kind == "histogram" && Percentile95(point, path) is { } p95)
                values.Add(("_p95", p95));
        }

        // NaN and infinities say nothing a rule can use, and JSON has no way to store them (as with Prometheus text).
        if (values.Any(v => !double.IsFinite(v.Item2)))
        {
            rejected.Add($"{path} ({name}) holds NaN or an infinite value; it was not kept.");
            return [];
        }

        return values;
    }

    /// <summary>The upper bound of the bucket that holds the 95th percentile, capped at the max; null without buckets.</summary>
    static double? Percentile95(JsonElement point, string path)
    {
        var counts = Values(point, "bucketCounts", path, Integer);
        var bounds = Values(point, "explicitBounds", path, Number);
        var total = counts.Sum();
        if (counts.Count == 0 || counts.Count != bounds.Count + 1 || total <= 0)
            return null;
        var max = Number(point, "max", path);
        var rank = (long)Math.Ceiling(0.95 * total);
        long seen = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            seen += counts[i];
            if (seen < rank)
                continue;
            var upper = i < bounds.Count ? bounds[i] : max ?? bounds[^1];
            return max is { } cap && cap < upper ? cap : upper;
        }

        return null;
    }
}
