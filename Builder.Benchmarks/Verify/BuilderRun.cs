using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Builder.Benchmarks.Verify;

/// <summary>One feature through Builder: wall time from submission to Completed, each phase's duration, and what Verify ran.</summary>
public sealed record BuilderRun(
    TimeSpan Wall,
    IReadOnlyList<(string Phase, TimeSpan Duration)> Phases,
    int SuitesRun,
    int TestsCompletedEvents,
    int BaseResultsReusedEvents,
    IReadOnlyList<(string Step, TimeSpan Duration)> Steps)
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(20);

    static readonly string[] TestLogs = ["test.log", "test-base.log", "test-replay.log"];

    /// <summary>Submits the feature as a draft with approval mode auto and waits for it to complete.</summary>
    public static async Task<BuilderRun> MeasureAsync(BuilderClient builder, Guid repositoryId, SampleFeature feature)
    {
        var watch = Stopwatch.StartNew();
        var id = await builder.SubmitAsync(repositoryId, feature);
        var ended = await builder.WaitForEndAsync(id, Timeout);
        watch.Stop();
        if ((string?)ended["status"] != "Completed")
            throw new InvalidOperationException($"'{feature.Title}' ended {(string?)ended["status"]}: {ended["error"]?.ToJsonString()}");

        var phases = ended["phases"]!.AsArray()
            .Select(p => ((string)p!["name"]!, TimeSpan.FromMilliseconds((long?)p["durationMs"] ?? 0)))
            .ToList();
        var events = await builder.EventsAsync(id);
        int Count(string type) => events.Count(e => (string?)e!["type"] == type);

        var artifacts = await builder.ArtifactNamesAsync(id);
        var steps = new List<(string, TimeSpan)>();
        var suites = 0;
        foreach (var log in new[] { "build.log" }.Concat(TestLogs).Where(artifacts.Contains))
        {
            var logSteps = LogSteps.Read(await builder.ArtifactAsync(id, log));
            steps.AddRange(logSteps.Select(s => ($"{log}: {s.Command}", s.Duration)));
            if (TestLogs.Contains(log) && logSteps.Any(s => s.Command.StartsWith("dotnet test", StringComparison.Ordinal)))
                suites++;
        }

        return new BuilderRun(watch.Elapsed, phases, suites, Count("tests.completed"), Count("base_results.reused"), steps);
    }
}

/// <summary>The steps a phase log records: each "$ command" and the "[builder] … after N s" line that ends it.</summary>
public static partial class LogSteps
{
    [GeneratedRegex(@"^\[builder\] (exit code -?\d+|stopped: .*) after (?<seconds>[\d.]+) s$")]
    private static partial Regex StepEnd();

    public static IReadOnlyList<(string Command, TimeSpan Duration)> Read(string log)
    {
        var steps = new List<(string, TimeSpan)>();
        string? command = null;
        foreach (var line in log.Split('\n'))
        {
            if (line.StartsWith("$ ", StringComparison.Ordinal))
                command ??= Name(line[2..]);
            else if (command is not null && StepEnd().Match(line) is { Success: true } end)
            {
                steps.Add((command, TimeSpan.FromSeconds(double.Parse(end.Groups["seconds"].Value, CultureInfo.InvariantCulture))));
                command = null;
            }
        }

        return steps;
    }

    /// <summary>The tool and its verb ("dotnet build") and the label the step runner adds ("[base]").</summary>
    static string Name(string command)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var label = command.LastIndexOf("   [", StringComparison.Ordinal) is var at and >= 0 ? " " + command[(at + 3)..] : "";
        return string.Join(' ', words.Take(2)) + label;
    }
}
