namespace Builder.Core.Contracts;

/// <summary>
/// The words a run is described with on the wire: its public statuses and its phases, in pipeline
/// order. Defined once here and compiled into the dashboard and the CLI as well (they reference no
/// other part of Builder), so the three cannot drift apart. No dependencies on purpose.
/// </summary>
#if RUN_VOCABULARY_LINKED
// A linked copy stays internal to its assembly, so tests that see both never meet two public types.
internal static class RunVocabulary
#else
public static class RunVocabulary
#endif
{
    public static readonly IReadOnlyList<string> Statuses =
        ["Requested", "Running", "AwaitingApproval", "Completed", "Failed", "Cancelled", "Rejected", "RolledBack"];

    /// <summary>The statuses a run ends in; nothing happens to it afterwards unless it is retried.</summary>
    public static readonly IReadOnlyList<string> TerminalStatuses = ["Completed", "Failed", "Cancelled", "Rejected", "RolledBack"];

    /// <summary>The seven phases as events, URLs and JSON name them.</summary>
    public static readonly IReadOnlyList<string> PhaseNames = ["plan", "generate", "build", "verify", "deliver", "deploy", "healthcheck"];

    public static bool IsTerminal(string? status) => status is not null && TerminalStatuses.Contains(status);
}
