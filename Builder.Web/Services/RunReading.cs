using System.Text.Json;

namespace Builder.Web.Services;

/// <summary>A model call the agent made, read from an <c>llm.call</c> event.</summary>
public sealed record LlmCall(long Sequence, DateTimeOffset At, string? Phase, string Model, long? InputTokens, long? OutputTokens, long? TotalTokens, decimal? Cost, long? DurationMs, string? Purpose)
{
    public const string EventType = "llm.call";

    public static LlmCall? From(FeatureEvent e)
    {
        if (e.Type != EventType)
            return null;
        var p = e.Payload;
        var input = Long(p, "inputTokens", "promptTokens", "usage.inputTokens", "usage.promptTokens", "usage.input_tokens", "tokens.input");
        var output = Long(p, "outputTokens", "completionTokens", "usage.outputTokens", "usage.completionTokens", "usage.output_tokens", "tokens.output");
        var total = Long(p, "totalTokens", "usage.totalTokens", "tokens.total") ?? (Payloads.Property(p, "tokens") is { ValueKind: JsonValueKind.Number } t && t.TryGetInt64(out var n) ? n : (long?)null)
                    ?? (input is null && output is null ? null : (input ?? 0) + (output ?? 0));
        var cost = Payloads.Number(p, "costUsd", "cost", "usd", "usage.costUsd", "usage.cost");
        return new LlmCall(e.Sequence, e.Timestamp, e.Phase, Payloads.Text(p, "model", "modelId", "deployment") ?? "unknown model",
            input, output, total, cost is null ? null : (decimal)cost.Value, Long(p, "durationMs", "latencyMs", "elapsedMs"), Payloads.Text(p, "purpose", "step", "operation"));
    }

    static long? Long(JsonElement p, params string[] names) => Payloads.Number(p, names) is { } d ? (long)Math.Round(d) : null;
}

public sealed record TestCaseView(string Name, string Outcome, string? Message)
{
    /// <summary>The id the test-integrity verdict names the test by; the name when the report gives none.</summary>
    public string Id { get; init; } = Name;
}

public sealed record IntegrityRule(string Rule, string Message, IReadOnlyList<string> Tests);

/// <summary>The test-integrity verdict: which tests prove the change and which rules it broke.</summary>
public sealed record IntegrityVerdictView(bool Passed, string? Summary, IReadOnlyList<string> FailToPass, int? PassToPassCount, IReadOnlyList<IntegrityRule> Violations)
{
    /// <summary>New or changed tests that already passed on the base: regression guards, reported beside the proof.</summary>
    public IReadOnlyList<string> NewPassing { get; init; } = [];
}

/// <summary>What the tests of a run said, from the tests endpoint when the API has it, else from Verify's events.</summary>
public sealed record TestReport(
    string? Command, int? ExitCode, bool? TimedOut, int? Passed, int? Failed, int? Skipped, IReadOnlyList<TestCaseView> Cases,
    bool? VerificationPassed, string? VerificationReason, IntegrityVerdictView? Verdict)
{
    public bool IsEmpty => Command is null && ExitCode is null && Passed is null && Failed is null && Cases.Count == 0 && VerificationPassed is null && Verdict is null;

    /// <summary>Reads the newest <c>tests.completed</c> and <c>verification.*</c> events of the run.</summary>
    public static TestReport FromEvents(IReadOnlyList<FeatureEvent> events)
    {
        var tests = events.LastOrDefault(e => e.Type == "tests.completed");
        var verification = events.LastOrDefault(e => e.Type is "verification.passed" or "verification.failed");
        var fromTests = tests is null ? Empty : FromJson(tests.Payload);
        if (verification is null)
            return fromTests;

        var v = verification.Payload;
        var verdict = ReadVerdict(v) ?? fromTests.Verdict;
        return fromTests with
        {
            Command = fromTests.Command ?? Payloads.Text(v, "command"),
            VerificationPassed = verification.Type == "verification.passed",
            VerificationReason = Payloads.Text(v, "reason", "message", "summary"),
            Verdict = verdict,
            Passed = fromTests.Passed ?? Count(v, "passed"),
            Failed = fromTests.Failed ?? Count(v, "failed"),
            Skipped = fromTests.Skipped ?? Count(v, "skipped"),
            Cases = fromTests.Cases.Count > 0 ? fromTests.Cases : ReadCases(v),
        };
    }

    public static readonly TestReport Empty = new(null, null, null, null, null, null, [], null, null, null);

    /// <summary>A report object of any of the shapes seen so far: counts at the top or under summary/counts/totals, cases under results/tests/cases.</summary>
    public static TestReport FromJson(JsonElement p)
    {
        if (p.ValueKind != JsonValueKind.Object)
            return Empty;
        var cases = ReadCases(p);
        int? CountOf(string outcome) => Count(p, outcome) ?? (cases.Count > 0 ? cases.Count(c => c.Outcome.Equals(outcome, StringComparison.OrdinalIgnoreCase)) : null);
        var verdict = ReadVerdict(p);
        return new TestReport(
            Payloads.Text(p, "command"), Payloads.Number(p, "exitCode") is { } code ? (int)code : null, Payloads.Flag(p, "timedOut"),
            CountOf("passed"), CountOf("failed"), CountOf("skipped"), cases,
            Payloads.Flag(p, "verified", "verificationPassed"), Payloads.Text(p, "reason"), verdict);
    }

    static int? Count(JsonElement p, string outcome)
    {
        foreach (var container in new[] { "", "summary.", "counts.", "totals.", "result." })
            if (Payloads.Number(p, container + outcome) is { } n)
                return (int)n;
        return null;
    }

    static IReadOnlyList<TestCaseView> ReadCases(JsonElement p) =>
        [.. Payloads.Objects(p, "change", "results", "tests", "cases", "testCases")
            .Select(t =>
            {
                var name = Payloads.Text(t, "name", "id", "fullName") ?? "(unnamed test)";
                return new TestCaseView(name, Outcome(Payloads.Text(t, "outcome", "status", "result")), Payloads.Text(t, "message", "error"))
                {
                    Id = Payloads.Text(t, "id") ?? name,
                };
            })];

    /// <summary>Verify writes the outcome as its enum's number (0 passed, 1 failed, 2 skipped); runners' own reports write a word.</summary>
    static string Outcome(string? written) => written switch
    {
        null => "unknown",
        "0" => "passed",
        "1" => "failed",
        "2" => "skipped",
        _ => written,
    };

    static IntegrityVerdictView? ReadVerdict(JsonElement p)
    {
        var v = Payloads.Property(p, "verdict", "integrity", "testIntegrity") is { ValueKind: JsonValueKind.Object } inner ? inner : p;
        var violations = Payloads.Objects(v, "violations", "rules", "broken")
            .Select(r => new IntegrityRule(Payloads.Text(r, "rule", "name", "code") ?? "rule", Payloads.Text(r, "message", "reason") ?? "", Payloads.Strings(r, "tests", "id", "name")))
            .ToList();
        var failToPass = Payloads.Strings(v, "failToPass", "id", "name");
        var passToPass = Payloads.Property(v, "passToPass");
        int? passToPassCount = passToPass switch
        {
            { ValueKind: JsonValueKind.Array } a => a.GetArrayLength(),
            { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out var c) => c,
            _ => null,
        };
        if (violations.Count == 0 && failToPass.Count == 0 && passToPassCount is null)
            return null;
        var passed = Payloads.Flag(v, "passed", "ok") ?? violations.Count == 0;
        return new IntegrityVerdictView(passed, Payloads.Text(v, "summary"), failToPass, passToPassCount, violations)
        {
            NewPassing = Payloads.Strings(v, "newPassing", "id", "name"),
        };
    }
}

/// <summary>The lines a running command has streamed so far, from the run's <c>log</c> events.</summary>
public static class StreamedLogs
{
    /// <summary>The phase that writes a log: build.log in Build, test.log in Verify.</summary>
    public static string? PhaseOf(string logName) => logName switch
    {
        "build.log" => "build",
        _ when logName.StartsWith("test", StringComparison.Ordinal) => "verify",
        _ => null,
    };

    /// <summary>The lines of <paramref name="logName"/> since its phase last started (a revision runs it again).</summary>
    public static IReadOnlyList<string> Lines(IReadOnlyList<FeatureEvent> events, string logName)
    {
        var phase = PhaseOf(logName);
        var lastStart = events.LastOrDefault(e => e.Type == "phase.started" && e.Phase == phase)?.Sequence ?? 0;
        var lines = new List<string>();
        foreach (var e in events)
        {
            if (e.Type != "log" || e.Sequence < lastStart || Payloads.Text(e.Payload, "stream") != logName)
                continue;
            lines.AddRange(Payloads.Strings(e.Payload, "lines"));
        }
        return lines;
    }
}
