namespace Builder.Core.Domain;

/// <summary>The seven phases of a feature run, in pipeline order.</summary>
public enum Phase
{
    Plan,
    Generate,
    Build,
    Verify,
    Deliver,
    Deploy,
    HealthCheck,
}

public static class Phases
{
    public static readonly IReadOnlyList<Phase> All = Enum.GetValues<Phase>();

    /// <summary>The lower-case name used in events, URLs and JSON (e.g. "healthcheck").</summary>
    public static string Name(this Phase phase) => phase.ToString().ToLowerInvariant();
}
