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
/// relative to the repository root, when the report says.
/// </summary>
public sealed record TestCaseResult(string Id, string Name, TestOutcome Outcome)
{
    public string? File { get; init; }
    public string? Message { get; init; }
    public double? DurationMs { get; init; }
}
