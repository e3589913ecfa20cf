namespace Builder.Worker.Verification;

public enum TestOutcome
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>
/// One test's result as its runner reported it. <see cref="Id"/> identifies the test across runs:
/// its fully qualified name plus its data case, normalised so that a parameterised test whose
/// arguments print differently keeps its identity. <see cref="File"/> is the test's source file
/// relative to the repository root, when the report says; <see cref="Line"/> the line (1-based) where
/// the test is declared in it, when the runner reports locations (jest, vitest). <see cref="Method"/>
/// is the test without its data case (the fully qualified method of a parameterised test): two
/// results of one method whose printed arguments differ are matched on it.
/// </summary>
public sealed record TestCaseResult(string Id, string Name, TestOutcome Outcome)
{
    public string? File { get; init; }
    public int? Line { get; init; }
    public string? Method { get; init; }
    public string? Message { get; init; }
    public double? DurationMs { get; init; }
}
