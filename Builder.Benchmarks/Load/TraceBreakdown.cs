using System.Text.Json.Nodes;

namespace Builder.Benchmarks.Load;

/// <summary>
/// Where the runs' time goes, from their traces: each run is one trace (the POST that submitted it,
/// then the saga and the phases through the broker, context carried in the messages). Spans are put
/// in categories (database: Npgsql and EF Core; broker: MassTransit's send, receive and consume;
/// sandbox: Builder's sandboxed commands; phase: Builder's phase work outside those; http: the Api)
/// and each span counts only for its self time, the part of it no child span covers, so a consume
/// span holding a query counts the query as database. Per run, each category's self time is a union of
/// intervals in wall time; "no span open" is the part of the run when nothing was running for it:
/// its next message waiting in a queue for a consumer.
/// </summary>
public static class TraceBreakdown
{
    const string NoSpan = "no span open (a message waiting in a queue)";

    /// <summary>
    /// A span's self time, and the parts of it before its first child started and after its last
    /// child ended: a receive span whose self time is all before its children waited to be processed.
    /// </summary>
    readonly record struct SelfTime(double Seconds, double BeforeChildren, double AfterChildren);

    public static string Category(ReceivedSpan span) => span.Scope switch
    {
        "Npgsql" => "database",
        var s when s.Contains("EntityFrameworkCore", StringComparison.Ordinal) => "database",
        "MassTransit" => "broker",
        "Builder" when span.Name.StartsWith("sandbox", StringComparison.Ordinal) => "sandbox",
        "Builder" => "phase (Builder's own work)",
        var s when s.Contains("AspNetCore", StringComparison.Ordinal) => "http (Api)",
        var s when s.Contains("Http", StringComparison.Ordinal) => "http client",
        var s => $"other ({s})",
    };

    static bool IsRunRoot(ReceivedSpan span) =>
        span.Kind == 2 && span.Name.StartsWith("POST", StringComparison.Ordinal)
        && (span.Name.Contains("/api/features", StringComparison.Ordinal) || span.Attributes.GetValueOrDefault("http.route") == "/api/features");

    /// <param name="spans">Every span received while the scale's runs went through.</param>
    public static JsonObject Analyse(IReadOnlyList<ReceivedSpan> spans)
    {
        var byTrace = spans.GroupBy(s => s.TraceId).ToDictionary(g => g.Key, g => g.ToList());
        var runs = byTrace.Values.Where(t => t.Any(IsRunRoot)).ToList();
        var inRuns = runs.SelectMany(t => t).ToList();
        var covered = new Dictionary<string, double>();
        double wall = 0;
        var perRun = new List<(string TraceId, double Wall, Dictionary<string, double> Covered)>();
        var self = new Dictionary<ReceivedSpan, SelfTime>(ReferenceEqualityComparer.Instance);
        foreach (var trace in runs)
        {
            var run = RunBreakdown(trace, self);
            wall += run.Wall;
            foreach (var (category, seconds) in run.Covered)
                covered[category] = covered.GetValueOrDefault(category) + seconds;
            perRun.Add((trace[0].TraceId, run.Wall, run.Covered));
        }

        var categories = new JsonArray();
        foreach (var group in inRuns.GroupBy(Category).OrderByDescending(g => covered.GetValueOrDefault(g.Key)))
        {
            var durations = group.Select(s => s.Milliseconds).Order().ToList();
            categories.Add(new JsonObject
            {
                ["category"] = group.Key, ["spans"] = durations.Count,
                ["totalSeconds"] = Math.Round(durations.Sum() / 1000, 2),
                ["selfSeconds"] = Math.Round(group.Sum(s => self.GetValueOrDefault(s).Seconds), 2),
                ["p50Ms"] = Math.Round(Percentile(durations, 0.5), 2), ["p99Ms"] = Math.Round(Percentile(durations, 0.99), 2),
                ["shareOfRunTime"] = wall == 0 ? 0 : Math.Round(covered.GetValueOrDefault(group.Key) / wall, 3),
            });
        }

        categories.Add(new JsonObject { ["category"] = NoSpan, ["shareOfRunTime"] = wall == 0 ? 0 : Math.Round(covered.GetValueOrDefault(NoSpan) / wall, 3) });
        var median = perRun.OrderBy(r => r.Wall).ElementAtOrDefault(perRun.Count / 2);
        return new JsonObject
        {
            ["spansReceived"] = spans.Count, ["runTraces"] = runs.Count, ["spansInRuns"] = inRuns.Count,
            ["runSecondsSummed"] = Math.Round(wall, 1),
            ["categories"] = categories,
            // The span names that took the most self time in runs: what to look at first.
            ["topSpans"] = new JsonArray(inRuns.GroupBy(s => $"{Category(s)}: {s.Name}")
                .Select(g => (Name: g.Key, Self: g.Select(s => self.GetValueOrDefault(s)).ToList(), Count: g.Count()))
                .OrderByDescending(g => g.Self.Sum(t => t.Seconds)).Take(8)
                .Select(g => (JsonNode)new JsonObject
                {
                    ["span"] = g.Name, ["count"] = g.Count, ["selfSeconds"] = Math.Round(g.Self.Sum(t => t.Seconds), 2),
                    ["beforeFirstChildSeconds"] = Math.Round(g.Self.Sum(t => t.BeforeChildren), 2),
                    ["afterLastChildSeconds"] = Math.Round(g.Self.Sum(t => t.AfterChildren), 2),
                }).ToArray()),
            ["medianRun"] = median.TraceId is null ? null : new JsonObject
            {
                ["traceId"] = median.TraceId, ["wallSeconds"] = Math.Round(median.Wall, 2),
                ["seconds"] = new JsonObject(median.Covered.OrderByDescending(c => c.Value).Select(c => KeyValuePair.Create(c.Key, (JsonNode?)Math.Round(c.Value, 2)))),
            },
        };
    }

    /// <summary>One run's wall time and, per category, the wall time its spans' self parts cover.</summary>
    static (double Wall, Dictionary<string, double> Covered) RunBreakdown(List<ReceivedSpan> trace, Dictionary<ReceivedSpan, SelfTime> self)
    {
        var children = trace.Where(s => s.ParentSpanId.Length > 0).ToLookup(s => s.ParentSpanId);
        var byCategory = new Dictionary<string, List<(double, double)>>();
        foreach (var span in trace)
        {
            var inside = children[span.SpanId].Select(c => (Start: c.StartNanos / 1e9, End: c.EndNanos / 1e9)).ToList();
            var (start, end) = (span.StartNanos / 1e9, span.EndNanos / 1e9);
            var own = Subtract((start, end), inside);
            self[span] = new SelfTime(own.Sum(i => i.End - i.Start),
                inside.Count == 0 ? 0 : Math.Clamp(inside.Min(c => c.Start) - start, 0, end - start),
                inside.Count == 0 ? 0 : Math.Clamp(end - inside.Max(c => c.End), 0, end - start));
            var category = Category(span);
            if (!byCategory.TryGetValue(category, out var list))
                byCategory[category] = list = [];
            list.AddRange(own);
        }

        var wall = (trace.Max(s => s.EndNanos) - trace.Min(s => s.StartNanos)) / 1e9;
        var covered = byCategory.ToDictionary(c => c.Key, c => Length(Union(c.Value)));
        covered[NoSpan] = Math.Max(0, wall - Length(Union(trace.Select(s => (s.StartNanos / 1e9, s.EndNanos / 1e9)))));
        return (wall, covered);
    }

    static List<(double Start, double End)> Union(IEnumerable<(double Start, double End)> intervals)
    {
        var merged = new List<(double Start, double End)>();
        foreach (var (start, end) in intervals.Where(i => i.End > i.Start).OrderBy(i => i.Start))
        {
            if (merged.Count > 0 && start <= merged[^1].End)
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, end));
            else
                merged.Add((start, end));
        }

        return merged;
    }

    static List<(double Start, double End)> Subtract((double Start, double End) span, IEnumerable<(double Start, double End)> children)
    {
        var left = new List<(double Start, double End)>();
        var from = span.Start;
        foreach (var (start, end) in Union(children))
        {
            if (start > from)
                left.Add((from, Math.Min(start, span.End)));
            from = Math.Max(from, end);
            if (from >= span.End)
                break;
        }

        if (from < span.End)
            left.Add((from, span.End));
        return left.Where(i => i.End > i.Start).ToList();
    }

    static double Length(List<(double Start, double End)> intervals) => intervals.Sum(i => i.End - i.Start);

    static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>"where the time goes" in one line per category.</summary>
    public static string Describe(JsonObject traces) =>
        $"{traces["spansInRuns"]} spans in {traces["runTraces"]} runs' traces ({traces["spansReceived"]} received), share of the runs' summed time (self time, wall-clock union per run):\n" +
        string.Join('\n', traces["categories"]!.AsArray().Select(c =>
            $"    {(double)c!["shareOfRunTime"]!,6:P1}  {c["category"]}" +
            (c["spans"] is null ? "" : $": {c["spans"]} spans, p50 {c["p50Ms"]} ms, p99 {c["p99Ms"]} ms, {c["selfSeconds"]} s self of {c["totalSeconds"]} s")));
}
